namespace AkkaMedia.Host.Tls;

/// <summary>Writes the files of keys and certificates, those holding a private key readable by their owner only.</summary>
internal static class SecretFile
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Creates or replaces <paramref name="path"/> with <paramref name="bytes"/>; when <paramref name="secret"/>, with mode
    /// 600 (on file systems with Unix modes), also when it replaces a file that had another mode.
    /// </summary>
    public static void Write(string path, byte[] bytes, bool secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (secret && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(path, options))
        {
            stream.Write(bytes);
        }

        if (secret && !OperatingSystem.IsWindows())
        {
            // A file that existed before (replaced with --force) keeps its old mode through FileMode.Create.
            File.SetUnixFileMode(path, OwnerOnly);
        }
    }
}
