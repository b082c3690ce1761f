using AkkaMedia.Protocol;

namespace AkkaMedia.Executor.Isolation;

/// <summary>
/// What a worker process is to run: the one session it serves for the rest of its life. The executor has checked the
/// package (sandbox policy) and leased its files before sending it; the worker only loads.
/// </summary>
/// <param name="SessionId">The session's id: names the worker's load context and its log lines.</param>
/// <param name="IsNode">True for a shipped node (a stream on channel 1), false for a remote object (calls on channel 1).</param>
/// <param name="EntryAssembly">Simple name of the assembly that defines the shipped object's type.</param>
/// <param name="Paths">The package's assemblies by simple name, as files the worker can read.</param>
/// <param name="Natives">The package's native libraries by file name, as files the worker can read.</param>
/// <param name="Bytes">The shipped object, serialized by the client's codec.</param>
/// <param name="Scratch">The session's scratch folder, inside the worker's writable folder.</param>
/// <param name="Checkpoints">For a shipped node with failover: how it checkpoints; otherwise null.</param>
/// <param name="Window">Credit, in elements, the worker's end of a node's channel grants the executor (the executor's <c>link.window</c>).</param>
internal sealed record WorkerAssignment(
    string SessionId, bool IsNode, string EntryAssembly, IReadOnlyDictionary<string, string> Paths, IReadOnlyDictionary<string, string> Natives, byte[] Bytes, string Scratch, CheckpointPolicy? Checkpoints, int Window)
{
    /// <summary>The assignment as the bytes of a <see cref="WorkerFrames.Assign"/> frame.</summary>
    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write(SessionId);
            writer.Write(IsNode);
            writer.Write(EntryAssembly);
            Write(writer, Paths);
            Write(writer, Natives);

            writer.Write(Bytes.Length);
            writer.Write(Bytes);
            writer.Write(Scratch);
            writer.Write(Checkpoints is not null);
            if (Checkpoints is { } checkpoints)
            {
                writer.Write(checkpoints.EveryInputs);
                writer.Write(checkpoints.Interval.Ticks);
            }

            writer.Write(Window);
        }

        return buffer.ToArray();
    }

    /// <summary>Reads an assignment that <see cref="Encode"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The bytes are not an assignment.</exception>
    public static WorkerAssignment Decode(byte[] payload)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload, writable: false));
            var sessionId = reader.ReadString();
            var isNode = reader.ReadBoolean();
            var entry = reader.ReadString();
            var paths = Read(reader, StringComparer.OrdinalIgnoreCase);
            var natives = Read(reader, StringComparer.Ordinal);

            var bytes = reader.ReadBytes(reader.ReadInt32());
            var scratch = reader.ReadString();
            var checkpoints = reader.ReadBoolean() ? new CheckpointPolicy(reader.ReadInt32(), TimeSpan.FromTicks(reader.ReadInt64())) : null;
            return new WorkerAssignment(sessionId, isNode, entry, paths, natives, bytes, scratch, checkpoints, reader.ReadInt32());
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException)
        {
            throw new InvalidDataException($"A worker assignment cannot be read: {e.Message}", e);
        }
    }

    private static void Write(BinaryWriter writer, IReadOnlyDictionary<string, string> files)
    {
        writer.Write(files.Count);
        foreach (var (name, path) in files)
        {
            writer.Write(name);
            writer.Write(path);
        }
    }

    private static Dictionary<string, string> Read(BinaryReader reader, StringComparer comparer)
    {
        var count = reader.ReadInt32();
        if (count < 0)
        {
            throw new InvalidDataException($"A worker assignment announces {count} files.");
        }

        var files = new Dictionary<string, string>(comparer);
        for (var i = 0; i < count; i++)
        {
            files[reader.ReadString()] = reader.ReadString();
        }

        return files;
    }
}
