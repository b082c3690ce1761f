using System.Text;

namespace AkkaMedia.Host.Tests;

/// <summary>A thread-safe text sink that lets a spec wait for a piece of text to be written.</summary>
internal sealed class ObservedWriter : TextWriter
{
    private readonly StringBuilder _text = new();
    private readonly List<(string Expected, TaskCompletionSource<string> Seen)> _waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public override string ToString()
    {
        lock (_text)
        {
            return _text.ToString();
        }
    }

    /// <summary>Completes with the whole text once it contains <paramref name="expected"/>.</summary>
    public Task<string> WaitForAsync(string expected, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_text)
        {
            if (_text.ToString().Contains(expected, StringComparison.Ordinal))
            {
                return Task.FromResult(_text.ToString());
            }

            _waiters.Add((expected, seen));
        }

        return seen.Task.WaitAsync(timeout);
    }

    public override void Write(char value) => Append(value.ToString());

    public override void Write(string? value) => Append(value ?? string.Empty);

    public override void Write(char[] buffer, int index, int count) => Append(new string(buffer, index, count));

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    private void Append(string value)
    {
        List<(string Expected, TaskCompletionSource<string> Seen)> done;
        string text;
        lock (_text)
        {
            _text.Append(value);
            text = _text.ToString();
            done = _waiters.Where(w => text.Contains(w.Expected, StringComparison.Ordinal)).ToList();
            _waiters.RemoveAll(done.Contains);
        }

        foreach (var (_, seen) in done)
        {
            seen.TrySetResult(text);
        }
    }
}
