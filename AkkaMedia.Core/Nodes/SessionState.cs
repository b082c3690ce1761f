using System.Text;

namespace AkkaMedia.Nodes;

/// <summary>
/// The key/value state of one session key in a <see cref="SessionStateStore"/>: named values, text or bytes, that a
/// node keeps between streams (a caller's language, a conversation's summary, a counter). Thread-safe. Every read and
/// write counts as a use, which keeps the state from expiring.
/// </summary>
/// <remarks>
/// Values are copied in and out: a caller keeps ownership of the span it writes and gets its own array when it reads
/// bytes. A name holds one value at a time; writing text over bytes (or the other way) replaces it.
/// </remarks>
public sealed class SessionState
{
    private readonly SessionStateStore _store;
    private readonly Dictionary<string, object> _values = new(StringComparer.Ordinal);
    private long _lastUsedTicks;

    internal SessionState(SessionStateStore store, string key, DateTimeOffset created)
    {
        _store = store;
        Key = key;
        Created = created;
        _lastUsedTicks = created.UtcTicks;
    }

    /// <summary>The session key the state belongs to.</summary>
    public string Key { get; }

    /// <summary>When the state was created.</summary>
    public DateTimeOffset Created { get; }

    /// <summary>When it was last read or written (or looked up in the store).</summary>
    public DateTimeOffset LastUsed
    {
        get => new(Interlocked.Read(ref _lastUsedTicks), TimeSpan.Zero);
        internal set => Interlocked.Exchange(ref _lastUsedTicks, value.UtcTicks);
    }

    /// <summary>When the state expires unless it is used before: <see cref="LastUsed"/> + the store's time to live.</summary>
    public DateTimeOffset ExpiresAt => LastUsed + _store.TimeToLive;

    /// <summary>The names of the values, in no particular order; does not count as a use.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            lock (_values)
            {
                return [.. _values.Keys];
            }
        }
    }

    /// <summary>The bytes the values hold (text as UTF-8); does not count as a use.</summary>
    public long Size
    {
        get
        {
            lock (_values)
            {
                return _values.Values.Sum(static v => v is string s ? Encoding.UTF8.GetByteCount(s) : ((byte[])v).Length);
            }
        }
    }

    /// <summary>The text value <paramref name="name"/>; null when there is none or it holds bytes.</summary>
    public string? GetString(string name)
    {
        _store.Touch(this);
        lock (_values)
        {
            return _values.TryGetValue(name, out var value) ? value as string : null;
        }
    }

    /// <summary>A copy of the bytes value <paramref name="name"/>; null when there is none or it holds text.</summary>
    public byte[]? GetBytes(string name)
    {
        _store.Touch(this);
        lock (_values)
        {
            return _values.TryGetValue(name, out var value) && value is byte[] bytes ? (byte[])bytes.Clone() : null;
        }
    }

    /// <summary>Sets the text value <paramref name="name"/>.</summary>
    public void SetString(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _store.Touch(this);
        lock (_values)
        {
            _values[name] = value;
        }
    }

    /// <summary>Sets the bytes value <paramref name="name"/> to a copy of <paramref name="value"/>.</summary>
    public void SetBytes(string name, ReadOnlySpan<byte> value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _store.Touch(this);
        lock (_values)
        {
            _values[name] = value.ToArray();
        }
    }

    /// <summary>Removes the value <paramref name="name"/>; false when there was none.</summary>
    public bool Remove(string name)
    {
        _store.Touch(this);
        lock (_values)
        {
            return _values.Remove(name);
        }
    }

    /// <summary>
    /// Every value for display, without counting as a use: text as it is, bytes as <c>N bytes: 0a1b…</c> (the first 16
    /// in hex). For the admin command <c>media state KEY</c>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Describe()
    {
        lock (_values)
        {
            return [.. _values.OrderBy(static v => v.Key, StringComparer.Ordinal).Select(static v => KeyValuePair.Create(v.Key, v.Value switch
            {
                string text => text,
                byte[] bytes => $"{bytes.Length} bytes: {Convert.ToHexString(bytes.AsSpan(0, Math.Min(16, bytes.Length))).ToLowerInvariant()}{(bytes.Length > 16 ? "…" : string.Empty)}",
                _ => string.Empty,
            }))];
        }
    }
}
