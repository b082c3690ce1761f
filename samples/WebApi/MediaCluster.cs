using Akka.Actor;
using Akka.Cluster;
using AkkaMedia.Remote;
using Microsoft.Extensions.Options;

namespace AkkaMedia.Samples.WebApi;

/// <summary>What this app sees of the AkkaMedia cluster it joined through Akka.Hosting: its own membership and the executors.</summary>
internal sealed class MediaCluster(ActorSystem system, IOptions<ProcessingOptions> options)
{
    private readonly ProcessingOptions _options = options.Value;

    /// <summary>This app's address in the cluster.</summary>
    public string Self => Cluster.Get(system).SelfAddress.ToString();

    /// <summary>This app's membership status (<c>Up</c> once it joined).</summary>
    public MemberStatus Status => Cluster.Get(system).SelfMember.Status;

    /// <summary>The seed nodes this app joins through.</summary>
    public IList<string> Seeds => system.Settings.Config.GetStringList("akka.cluster.seed-nodes");

    /// <summary>The executors up and reachable now, least loaded first; waits up to <paramref name="wait"/> for the first one.</summary>
    public Task<IReadOnlyList<ExecutorInfo>> GetExecutorsAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        ExecutorDirectory.Get(system).GetExecutorsAsync(_options.ExecutorRole, wait, cancellationToken);

    /// <summary>
    /// Null when an executor is up (waiting up to <see cref="ProcessingOptions.ExecutorWait"/> for one), otherwise why
    /// none is and what to do, for a 503 answer.
    /// </summary>
    public async Task<string?> WhyNoExecutorAsync(CancellationToken cancellationToken)
    {
        var executors = await GetExecutorsAsync(_options.ExecutorWait, cancellationToken);
        return executors.Count > 0 ? null : NoExecutorAdvice();
    }

    /// <summary>Why no executor is up and what to do, from this app's membership: not joined (no seed let it in), or joined without executors.</summary>
    public string NoExecutorAdvice()
    {
        var seeds = string.Join(", ", Seeds);
        var seed = Seeds.Count > 0 ? Seeds[0][(Seeds[0].IndexOf('@', StringComparison.Ordinal) + 1)..] : "HOST:PORT";
        return Status is MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up
            ? $"This app joined the cluster at {seeds}, but no node with role '{_options.ExecutorRole}' is up. Start one that joins the same seeds: `akkamedia node --hostname HOST --port PORT --seeds {seed} --roles {_options.ExecutorRole}`."
            : $"This app has not joined the cluster at {seeds}. Check that a node runs there (`akkamedia node --hostname {seed[..seed.LastIndexOf(':')]} --port {seed[(seed.LastIndexOf(':') + 1)..]} --seeds {seed} --roles {_options.ExecutorRole}` starts the first one), "
              + $"that it is reachable from here, that it reaches this app at {Self}, and that every member names the actor system '{system.Name}'.";
    }
}
