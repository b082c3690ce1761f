using Akka.Configuration;

namespace AkkaMedia.Host.Hosting;

/// <summary>Reads the deployable HOCON files embedded in the host and HOCON files named on the command line.</summary>
internal static class HostConfig
{
    /// <summary>One of <c>hocon/base.conf</c>, <c>executor.conf</c>, <c>client.conf</c>, <c>demo.conf</c>.</summary>
    public static Config Embedded(string fileName) =>
        AkkaMediaConfig.Load(typeof(HostConfig).Assembly, "hocon." + fileName);

    /// <summary>Parses a HOCON file.</summary>
    /// <exception cref="ArgumentException">The file is missing or not valid HOCON; the message names the file and the parser's complaint.</exception>
    public static Config LoadFile(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"Configuration file '{path}' does not exist.", nameof(path));
        }

        try
        {
            return HoconText.Parse(File.ReadAllText(path), path);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, nameof(path), e);
        }
    }
}
