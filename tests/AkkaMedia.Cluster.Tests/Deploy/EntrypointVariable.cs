namespace AkkaMedia.Cluster.Tests.Deploy;

/// <summary>
/// One environment variable of the container's contract (docs/deploy.md): the <c>akkamedia</c> flag the entrypoint
/// passes its value as, and the commands (<c>node</c>, <c>serve</c>) that have that flag.
/// </summary>
internal sealed record EntrypointVariable(string Name, string Flag, params string[] Commands)
{
    /// <summary>The variables that become flags, as the specs expect them.</summary>
    public static IReadOnlyList<EntrypointVariable> Flags { get; } =
    [
        new("AKKAMEDIA_HOSTNAME", "--hostname", "node", "serve"),
        new("AKKAMEDIA_PORT", "--port", "node"),
        new("AKKAMEDIA_ROLES", "--roles", "node"),
        new("AKKAMEDIA_SEEDS", "--seeds", "node", "serve"),
        new("AKKAMEDIA_DISCOVERY", "--discovery", "node", "serve"),
        new("AKKAMEDIA_DISCOVERY_ENDPOINTS", "--discovery-endpoints", "node", "serve"),
        new("AKKAMEDIA_SERVICE_NAME", "--service-name", "node", "serve"),
        new("AKKAMEDIA_MANAGEMENT_PORT", "--management-port", "node"),
        new("AKKAMEDIA_REQUIRED_CONTACTS", "--required-contacts", "node"),
        new("AKKAMEDIA_HTTP_PORT", "--http-port", "node", "serve"),
        new("AKKAMEDIA_HTTP_HOSTNAME", "--http-hostname", "node", "serve"),
        new("AKKAMEDIA_ADMIN_PORT", "--admin-port", "node"),
        new("AKKAMEDIA_ADMIN_HOSTNAME", "--admin-hostname", "node"),
        new("AKKAMEDIA_DRAIN_TIMEOUT", "--drain-timeout", "node"),
        new("AKKAMEDIA_MAX_SESSIONS", "--max-sessions", "serve"),
        new("AKKAMEDIA_LOG_FORMAT", "--log-format", "node", "serve"),
        new("AKKAMEDIA_CONFIG", "--config", "node", "serve"),
    ];

    /// <summary>The variables that choose the command and its pipeline, and the program the entrypoint execs.</summary>
    public static IReadOnlyList<string> Others { get; } = ["AKKAMEDIA_COMMAND", "AKKAMEDIA_PIPELINE", "AKKAMEDIA_EXEC"];

    /// <summary>Every variable the entrypoint reads.</summary>
    public static IReadOnlySet<string> Names { get; } = Flags.Select(v => v.Name).Concat(Others).ToHashSet(StringComparer.Ordinal);

    /// <summary>The variable named <paramref name="name"/>.</summary>
    public static EntrypointVariable Named(string name) => Flags.Single(v => v.Name == name);

    /// <inheritdoc />
    public override string ToString() => Name;
}
