namespace AkkaMedia.Deployment;

/// <summary>What an upload had to send: zero and zero when the executor already held the whole package.</summary>
/// <param name="EntriesSent">Number of assemblies whose bytes were sent.</param>
/// <param name="BytesSent">Bytes of assembly content sent (chunk payloads, without protocol overhead).</param>
internal sealed record PackageUploadResult(int EntriesSent, long BytesSent);
