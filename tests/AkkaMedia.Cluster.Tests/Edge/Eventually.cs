using Xunit.Sdk;

namespace AkkaMedia.Cluster.Tests.Edge;

/// <summary>Retries an assertion over state another process reports (its <c>/metrics</c>) until it holds or the time is up.</summary>
internal static class Eventually
{
    /// <summary>How often the state is read again.</summary>
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Runs <paramref name="assertion"/> until it passes; after <paramref name="timeout"/> its last failure is thrown.</summary>
    public static async Task AssertAsync(Func<Task> assertion, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await assertion().ConfigureAwait(false);
                return;
            }
            catch (XunitException) when (DateTime.UtcNow < deadline)
            {
                // Not yet: the other process has not reported it.
            }

            await Task.Delay(Interval).ConfigureAwait(false);
        }
    }
}
