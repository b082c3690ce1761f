using Akka.Actor;
using Akka.Event;
using AkkaMedia.Client;

namespace AkkaMedia.Hosting;

/// <summary>
/// A hosted client's join through contact points: runs in the background from the actor system's start, asks the
/// contact points in rounds of <see cref="Round"/> until one reports the cluster's members, and logs a warning with
/// every contact point's last answer after each round that found none. Ends when the join is asked for, or when the
/// actor system terminates.
/// </summary>
internal static class ContactPointJoin
{
    /// <summary>How long one round of asking lasts before its warning.</summary>
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(30);

    public static void Start(ActorSystem system, IReadOnlyList<string> contactPoints) =>
        _ = RunAsync(system, contactPoints);

    private static async Task RunAsync(ActorSystem system, IReadOnlyList<string> contactPoints)
    {
        var log = Logging.GetLogger(system, typeof(ContactPointJoin));
        // Not disposed: the termination callback may run after this method has returned.
        var terminated = new CancellationTokenSource();
        system.RegisterOnTermination(terminated.Cancel);
        while (!terminated.IsCancellationRequested)
        {
            try
            {
                var members = await ClusterContactPoints.JoinAsync(system, contactPoints, Round, terminated.Token).ConfigureAwait(false);
                log.Info("Joining the cluster of {0} reported by its contact points", string.Join(", ", members));
                return;
            }
            catch (TimeoutException e)
            {
                log.Warning("Not joined yet: {0}", e.Message);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e)
            {
                log.Error(e, "Joining through the contact points {0} stopped", string.Join(", ", contactPoints));
                return;
            }
        }
    }
}
