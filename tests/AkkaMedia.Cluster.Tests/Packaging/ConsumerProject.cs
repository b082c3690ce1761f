namespace AkkaMedia.Cluster.Tests.Packaging;

/// <summary>
/// A brand-new console application, written as a user would write it, that takes AkkaMedia from packages only: a
/// <c>nuget.config</c> adding the local feed to the machine's sources, a project referencing every AkkaMedia library
/// package, and a <c>Program.cs</c> that joins the cluster at its one argument (<c>host:port</c>), deploys a class of
/// its own as a remote object, calls it, and prints <c>ANSWER count FROM executor-address</c>.
/// </summary>
internal static class ConsumerProject
{
    /// <summary>The assembly name of the application.</summary>
    public const string Name = "WordCountApp";

    /// <summary>The words the application asks the remote object to count, and how many there are.</summary>
    public const string Text = "the quick brown fox jumps over the lazy dog";

    /// <inheritdoc cref="Text"/>
    public const int Words = 9;

    /// <summary>Writes the project into <paramref name="folder"/> (created) and returns the folder.</summary>
    public static string Write(string folder, string feed, string version)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="akkamedia-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, $"{Name}.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
            {string.Join(Environment.NewLine, PackedFeed.LibraryIds.Select(id => $"""    <PackageReference Include="{id}" Version="[{version}]" />"""))}
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), $$"""
            using AkkaMedia.Client;
            using AkkaMedia.Remote;

            if (args.Length != 1)
            {
                Console.Error.WriteLine("Usage: {{Name}} SEED, the host:port of a node of the cluster.");
                return 2;
            }

            await using var client = await MediaClient.ConnectAsync(new MediaClientOptions { Seeds = [args[0]], ExecutorTimeout = TimeSpan.FromSeconds(60) });
            await using var counter = await RemoteObject.DeployAsync<IWordCounter>(client.System, new WordCounter());
            var answer = counter.Proxy.Count("{{Text}}");
            Console.WriteLine($"ANSWER {answer} FROM {counter.ExecutorAddress}");
            return 0;

            public interface IWordCounter
            {
                int Count(string text);
            }

            public sealed class WordCounter : IWordCounter
            {
                public int Count(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
            }
            """);
        return folder;
    }
}
