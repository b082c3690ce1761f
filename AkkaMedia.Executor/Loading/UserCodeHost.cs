using Akka.Configuration;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Packages;
using AkkaMedia.Executor.Sandbox;
using AkkaMedia.Executor.Sessions;

namespace AkkaMedia.Executor.Loading;

/// <summary>What an executor needs to run shipped code: its package store, its sandbox policy and the object session limits.</summary>
internal sealed class UserCodeHost(PackageStore store, SandboxPolicy sandbox, ObjectSessionSettings settings)
{
    public ObjectSessionSettings Settings { get; } = settings;

    /// <summary>The sandbox's verdicts by package content, shared by every session of this executor.</summary>
    public SandboxVerdicts Sandbox { get; } = new(sandbox);

    public static UserCodeHost Create(Config config, PackageStore store, SandboxPolicy sandbox) =>
        new(store, sandbox, ObjectSessionSettings.Create(config));

    /// <inheritdoc cref="SessionCode.Load(string, string, IReadOnlyList{PackageEntry}, PackageStore, SandboxVerdicts)"/>
    public SessionCode Load(string sessionId, string entryAssembly, IReadOnlyList<PackageEntry> entries) =>
        SessionCode.Load(sessionId, entryAssembly, entries, store, Sandbox);

    /// <inheritdoc cref="SessionCode.Check"/>
    public (IReadOnlyDictionary<string, string> Paths, IReadOnlyDictionary<string, string> Natives, IDisposable Lease) Check(string entryAssembly, IReadOnlyList<PackageEntry> entries) =>
        SessionCode.Check(entryAssembly, entries, store, Sandbox);

    /// <summary>The call timeout of a session that asked for <paramref name="requested"/> (zero: the default), or null with <paramref name="error"/> when it is beyond the limit.</summary>
    public TimeSpan? CallTimeout(TimeSpan requested, out string? error)
    {
        error = null;
        if (requested == TimeSpan.Zero)
        {
            return Settings.CallTimeout;
        }

        if (requested < TimeSpan.Zero || requested > Settings.MaxCallTimeout)
        {
            error = $"A call timeout of {requested} is beyond this executor's limit (akka-media.executor.objects.max-call-timeout = {Settings.MaxCallTimeout}).";
            return null;
        }

        return requested;
    }
}
