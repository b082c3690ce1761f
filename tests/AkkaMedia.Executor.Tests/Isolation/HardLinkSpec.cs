using AkkaMedia.Executor.Isolation;

namespace AkkaMedia.Executor.Tests.Isolation;

/// <summary>Package files reach a sandboxed worker as links to the store's own files, not copies.</summary>
public sealed class HardLinkSpec : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("akka-media-link-spec-").FullName;

    [Fact]
    public void A_link_must_name_the_same_bytes_and_outlive_the_original_name()
    {
        var store = Path.Combine(_root, "store.dll");
        var link = Path.Combine(_root, "package.dll");
        File.WriteAllBytes(store, [1, 2, 3]);
        File.WriteAllBytes(link, [9]);

        Assert.True(HardLink.TryCreate(store, link));

        // One file under two names: a write through one shows through the other (a copy would not).
        File.WriteAllBytes(store, [4, 5, 6, 7]);
        Assert.Equal([4, 5, 6, 7], File.ReadAllBytes(link));

        // The store may evict its file while a worker still runs from it.
        File.Delete(store);
        Assert.Equal([4, 5, 6, 7], File.ReadAllBytes(link));
    }

    [Fact]
    public void A_link_that_cannot_be_made_must_report_it_so_that_the_caller_copies()
    {
        Assert.False(HardLink.TryCreate(Path.Combine(_root, "missing.dll"), Path.Combine(_root, "package.dll")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
