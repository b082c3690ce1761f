namespace AkkaMedia.Samples.Common;

/// <summary>One assembly loaded into a collectible load context, as <see cref="ShippedAssemblyWatch"/> saw it.</summary>
/// <param name="Name">The assembly's simple name.</param>
/// <param name="Version">Its version from metadata.</param>
/// <param name="Context">The name of the load context it went into (the executor names one per session).</param>
/// <param name="FromBytes">True when it was loaded from memory rather than from a file path (no <c>Location</c>).</param>
public sealed record LoadedCopy(string Name, string Version, string Context, bool FromBytes);
