using Akka.Configuration;

namespace AkkaMedia;

/// <summary>
/// One section of AkkaMedia's configuration, read key by key: each key from the given configuration where it
/// sets it, otherwise from AkkaMedia.Core's <c>reference.conf</c> (<see cref="AkkaMediaConfig.Default"/>), the
/// only place that holds the defaults. A configuration that sets one key of the section still gets every other
/// key from <c>reference.conf</c>.
/// </summary>
internal sealed class SettingsSection
{
    private readonly Config _section;

    /// <summary>The section at <paramref name="path"/> (<c>akka-media.remote</c>) of <paramref name="config"/>, with <c>reference.conf</c> behind it.</summary>
    public SettingsSection(Config config, string path)
    {
        ArgumentNullException.ThrowIfNull(config);
        Path = path;
        _section = AkkaMediaConfig.WithDefaults(config).GetConfig(path)
            ?? throw new InvalidOperationException($"AkkaMedia.Core's reference.conf has no section {path}.");
    }

    /// <summary>The section's path, <c>akka-media.remote</c>.</summary>
    public string Path { get; }

    /// <summary>The full path of <paramref name="key"/>, as error messages name it: <c>akka-media.remote.open-timeout</c>.</summary>
    public string Key(string key) => Path + "." + key;

    /// <summary>The string at <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a string; the exception names the key.</exception>
    public string GetString(string key) => Read(key, "a string", static (section, k) => section.GetString(k));

    /// <summary>The duration at <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a duration; the exception names the key.</exception>
    public TimeSpan GetTimeSpan(string key) => Read(key, "a duration such as 5s or 200ms", static (section, k) => section.GetTimeSpan(k));

    /// <summary>The whole number at <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a whole number; the exception names the key.</exception>
    public int GetInt(string key) => Read(key, "a whole number", static (section, k) => section.GetInt(k));

    /// <summary>The switch at <paramref name="key"/> (<c>on</c>/<c>off</c>, <c>true</c>/<c>false</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a switch; the exception names the key.</exception>
    public bool GetBoolean(string key) => Read(key, "on or off", static (section, k) => section.GetBoolean(k));

    /// <summary>The size in bytes at <paramref name="key"/> (<c>16 MiB</c>, <c>1 GiB</c>, a plain number of bytes).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a size; the exception names the key.</exception>
    public long GetBytes(string key) => Read(key, "a size such as 16 MiB or 1 GiB", static (section, k) =>
    {
        try
        {
            return section.GetByteSize(k) ?? throw new FormatException($"{k} has no value.");
        }
        catch (ConfigurationException e)
        {
            throw new FormatException(e.Message, e);
        }
    });

    private T Read<T>(string key, string expected, Func<Config, string, T> read)
    {
        try
        {
            return read(_section, key) ?? throw new FormatException($"{Key(key)} has no value.");
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException or InvalidCastException or NotSupportedException)
        {
            throw new ArgumentOutOfRangeException(Key(key), Raw(key), $"{key} must be {expected}.");
        }
    }

    /// <summary>The value as written, for the error message; null when even that cannot be read.</summary>
    private string? Raw(string key)
    {
        try
        {
            return _section.GetValue(key)?.ToString();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidCastException)
        {
            return null;
        }
    }
}
