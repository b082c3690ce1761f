using AkkaMedia.Fuzz.Targets;

namespace AkkaMedia.Fuzz;

/// <summary>Every parser of outside bytes, by the name <c>--target</c> takes.</summary>
internal static class FuzzTargets
{
    /// <summary>All targets, in the order a full run takes them.</summary>
    public static IReadOnlyList<FuzzTarget> All(FuzzEnvironment environment) =>
    [
        SerializerTargets.Frame(environment),
        SerializerTargets.Protocol(environment),
        SerializerTargets.Deployment(environment),
        SerializerTargets.ObjectSession(environment),
        LinkTarget.Create(environment),
        HostTargets.Admin(),
        HostTargets.EdgeMedia(),
        HostTargets.Twilio(),
        HostTargets.Pipeline(environment),
        MediaFileTargets.Wav(),
        MediaFileTargets.Y4m(),
    ];

    /// <summary>The target called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No target has that name; the message lists them.</exception>
    public static FuzzTarget Named(FuzzEnvironment environment, string name)
    {
        var all = All(environment);
        return all.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown fuzz target '{name}'; the targets are {string.Join(", ", all.Select(t => t.Name))} (or all).", nameof(name));
    }

    /// <summary>UTF-8 bytes of each of <paramref name="words"/>, for <see cref="FuzzTarget.Tokens"/>.</summary>
    public static IReadOnlyList<byte[]> Words(params string[] words) => [.. words.Select(w => System.Text.Encoding.UTF8.GetBytes(w))];
}
