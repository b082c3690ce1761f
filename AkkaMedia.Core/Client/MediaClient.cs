using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using AkkaMedia.Remote;

namespace AkkaMedia.Client;

/// <summary>
/// An application's membership in an AkkaMedia cluster: an actor system that joined the cluster as a client and has
/// seen at least one executor. Run pipelines with remote stages and deploy remote objects on <see cref="System"/>.
/// Disposing leaves the cluster gracefully and terminates the actor system.
/// </summary>
/// <example>
/// <code>
/// await using var client = await MediaClient.ConnectAsync(new MediaClientOptions { Seeds = ["10.0.0.5:4053"] });
/// var echo = RemoteNode.Flow&lt;AudioFrame, AudioFrame&gt;("Echo", "delay = 250ms, decay = 0.5");
/// await source.Via(echo).RunWith(sink, client.System.Materializer());
/// </code>
/// </example>
public sealed class MediaClient : IAsyncDisposable
{
    private readonly MediaClientOptions _options;
    private int _left;

    private MediaClient(ActorSystem system, MediaClientOptions options, IReadOnlyList<string> seeds, IReadOnlyList<ExecutorInfo> executors)
    {
        System = system;
        _options = options;
        Seeds = seeds;
        Executors = executors;
    }

    /// <summary>The client's actor system, a member of the cluster.</summary>
    public ActorSystem System { get; }

    /// <summary>The executors seen when the client connected, least loaded first.</summary>
    public IReadOnlyList<ExecutorInfo> Executors { get; }

    /// <summary>The seeds as joined (full addresses): the configured ones, or the members the contact points reported.</summary>
    public IReadOnlyList<string> Seeds { get; }

    /// <summary>
    /// Joins the cluster at <see cref="MediaClientOptions.Seeds"/> (or the one <see cref="MediaClientOptions.ContactPoints"/>
    /// report) and waits until an executor is up and reachable.
    /// </summary>
    /// <exception cref="ArgumentException">The options are not valid (a bad seed, a seed naming another actor system, no seed); nothing was started.</exception>
    /// <exception cref="TimeoutException">
    /// No executor within <see cref="MediaClientOptions.ExecutorTimeout"/> (the message names the seeds and the role), or no
    /// contact point answered with members within it (the message names each and its last answer). The actor system was terminated.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired; the actor system was terminated.</exception>
    /// <exception cref="InvalidOperationException">The client's actor system stopped while joining (a refused TLS handshake, for one); the message says why.</exception>
    public static async Task<MediaClient> ConnectAsync(MediaClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = options.ToConfig();
        var seeds = config.GetStringList("akka.cluster.seed-nodes").ToList();
        var system = MediaActorSystem.Create(options.SystemName, config);
        try
        {
            if (options.ContactPoints.Count > 0)
            {
                var members = await ClusterContactPoints.JoinAsync(system, options.ContactPoints, options.ExecutorTimeout, cancellationToken).ConfigureAwait(false);
                seeds = members.Select(m => m.ToString()).ToList();
            }

            // A system that stops while waiting (Akka.Remote stops a node whose TLS handshake failed) answers no question:
            // say why at once instead of waiting out the timeout.
            var looking = ExecutorDirectory.Get(system).GetExecutorsAsync(options.ExecutorRole, options.ExecutorTimeout, cancellationToken);
            if (await Task.WhenAny(looking, system.WhenTerminated).ConfigureAwait(false) != looking)
            {
                throw new InvalidOperationException($"This client could not join the cluster at {string.Join(", ", seeds)}: {MediaActorSystem.DescribeStop(system)}.");
            }

            var executors = await looking.ConfigureAwait(false);
            if (executors.Count == 0)
            {
                var advice = Cluster.Get(system).SelfMember.Status is MemberStatus.Up
                    ? "This client joined the cluster, but it has no executor: start `akkamedia node --roles executor` with the same seeds."
                    : $"This client could not join: check that a node runs at the seeds, that they are reachable from here, and that they use the actor system name '{options.SystemName}'" +
                      (Security.TlsSettings.For(system).IsEnabled
                          ? "; with TLS, also that the cluster's CA signed this client's certificate (the members log each refusal)."
                          : "; a cluster that speaks TLS (akka.ssl.tcp addresses) refuses a client without a certificate its CA signed.");
                throw new TimeoutException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"No node with role '{options.ExecutorRole}' was up in the cluster at {string.Join(", ", seeds)} within {options.ExecutorTimeout.TotalSeconds:0.#} s. {advice}"));
            }

            return new MediaClient(system, options, seeds, executors);
        }
        catch
        {
            await system.Terminate().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The executors up and reachable now, waiting up to <paramref name="wait"/> for the first one.</summary>
    public Task<IReadOnlyList<ExecutorInfo>> GetExecutorsAsync(TimeSpan wait, CancellationToken cancellationToken = default) =>
        ExecutorDirectory.Get(System).GetExecutorsAsync(_options.ExecutorRole, wait, cancellationToken);

    /// <summary>Leaves the cluster gracefully (its members see this client leave, not fail) and terminates the actor system. Idempotent.</summary>
    public async Task LeaveAsync()
    {
        if (Interlocked.Exchange(ref _left, 1) == 0)
        {
            await CoordinatedShutdown.Get(System).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).ConfigureAwait(false);
            await System.WhenTerminated.ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await LeaveAsync().ConfigureAwait(false);
}
