namespace AkkaMedia.Host.Tests;

/// <summary>Assertions on the Unix modes of files the host writes.</summary>
internal static class FileModes
{
    /// <summary>Holds when <paramref name="path"/> is readable and writable by its owner only (skipped on Windows).</summary>
    public static void AssertOwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }
}
