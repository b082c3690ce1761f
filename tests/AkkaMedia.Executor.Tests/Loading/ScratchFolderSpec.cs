using System.Runtime.Loader;
using AkkaMedia.Deployment;
using AkkaMedia.Executor.Tests.Packages;
using AkkaMedia.Executor.Tests.Sandbox;

namespace AkkaMedia.Executor.Tests.Loading;

public sealed class ScratchFolderSpec : IDisposable
{
    private readonly PackageFiles _files = new();

    [Fact]
    public void Code_loaded_in_a_session_context_must_get_that_session_s_folder_and_lose_it_when_detached()
    {
        var userAssembly = TestAssemblyCompiler.Compile(_files.NewFolder("user"), "User.Scratch", "public sealed class Owner { }");
        var context = new AssemblyLoadContext("session-1", isCollectible: true);
        try
        {
            var owner = Activator.CreateInstance(context.LoadFromAssemblyPath(userAssembly).GetType("Owner")!)!;
            var root = Path.Combine(_files.NewFolder("scratch"), "session-1");
            var attachment = ScratchFolder.Attach(context, root);

            var scratch = ScratchFolder.For(owner);
            using (var file = scratch.Create("results/out.bin"))
            {
                file.Write([1, 2, 3]);
            }

            Assert.Equal(Path.GetFullPath(root), scratch.Root);
            Assert.Equal(["results/out.bin"], scratch.List());
            Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(root, "results", "out.bin")));
            Assert.NotEqual(scratch.Root, ScratchFolder.For(this).Root);

            attachment.Dispose();

            Assert.False(Directory.Exists(root));
            Assert.NotEqual(scratch.Root, ScratchFolder.For(owner).Root);
        }
        finally
        {
            context.Unload();
        }
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("./here.txt")]
    [InlineData("")]
    public void Paths_leading_outside_the_folder_must_be_refused(string path)
    {
        var scratch = ScratchFolder.For(this);

        Assert.ThrowsAny<ArgumentException>(() => scratch.Create(path));
        Assert.ThrowsAny<ArgumentException>(() => scratch.Exists(path));
    }

    [Fact]
    public void Files_must_round_trip_and_be_deletable()
    {
        var scratch = ScratchFolder.For(this);
        var name = $"spec-{Guid.NewGuid():N}.txt";
        using (var writer = new StreamWriter(scratch.Create(name)))
        {
            writer.Write("hello");
        }

        using (var reader = new StreamReader(scratch.OpenRead(name)))
        {
            Assert.Equal("hello", reader.ReadToEnd());
        }

        Assert.True(scratch.Exists(name));
        scratch.Delete(name);
        Assert.False(scratch.Exists(name));
    }

    public void Dispose() => _files.Dispose();
}
