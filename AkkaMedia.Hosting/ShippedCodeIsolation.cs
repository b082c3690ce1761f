namespace AkkaMedia.Hosting;

/// <summary>Where an executor runs shipped code: remote objects and shipped nodes (<c>akka-media.executor.isolation</c>).</summary>
public enum ShippedCodeIsolation
{
    /// <summary>
    /// In the executor's own process, in a collectible load context, under the strict reference policy
    /// (<c>in-process</c>): the fastest path; shipped code that uses reflection, the environment or assembly loading
    /// is refused.
    /// </summary>
    InProcess,

    /// <summary>
    /// In a worker process per session under the OS sandbox and its resource limits (<c>process</c>,
    /// <c>akka-media.executor.workers</c>): ordinary libraries ship; each session costs a process. See docs/security.md.
    /// </summary>
    Process,
}
