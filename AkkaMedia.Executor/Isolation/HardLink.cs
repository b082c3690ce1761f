using System.Runtime.InteropServices;

namespace AkkaMedia.Executor.Isolation;

/// <summary>A second name for an existing file (<c>link(2)</c>): the same bytes, no copy.</summary>
internal static class HardLink
{
    /// <summary>
    /// Makes <paramref name="link"/> a hard link to <paramref name="existing"/>, replacing a file of that name. False
    /// when it cannot be made (not Linux, another file system, a file system without links, no right to): the caller copies.
    /// </summary>
    public static bool TryCreate(string existing, string link)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        if (File.Exists(link))
        {
            File.Delete(link);
        }

        return Link(existing, link) == 0;
    }

    [DllImport("libc", EntryPoint = "link")]
    private static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string link);
}
