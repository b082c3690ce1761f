namespace AkkaMedia.Nodes.Audio;

/// <summary>
/// Streaming band-limited sample-rate conversion of interleaved audio with a fixed channel count.
/// Keeps the input history it still needs between calls; one instance per stream.
/// </summary>
/// <remarks>
/// Output sample <c>k</c> is the input signal evaluated at input position <c>k × inRate / outRate</c>,
/// with zeros assumed before the first and after the last input sample, so output and input start at
/// the same instant (no filter delay) and, after <see cref="Flush"/>, the output holds exactly
/// <c>ceil(N × outRate / inRate)</c> samples for <c>N</c> inputs. An output waits for
/// <see cref="SincFilterBank.HalfTaps"/> input samples of look-ahead.
/// </remarks>
internal sealed class SincResampler
{
    private readonly SincFilterBank _bank;
    private readonly int _channels;
    private readonly float[] _scratch;
    private readonly float[][] _history;
    private long _historyStart;
    private int _historyCount;
    private long _inputCount;
    private long _nextOutput;
    private long _nextBase;
    private long _nextPhase;
    private bool _flushed;

    public SincResampler(int inputRate, int outputRate, int channels)
    {
        _bank = SincFilterBank.For(inputRate, outputRate);
        _channels = channels;
        _scratch = new float[_bank.Taps];
        _history = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            _history[c] = new float[Math.Max(1024, 4 * _bank.Taps)];
        }

        // Silence before the first sample: the first output's window reaches HalfTaps - 1 samples back.
        _historyStart = -(_bank.HalfTaps - 1);
        _historyCount = _bank.HalfTaps - 1;
    }

    /// <summary>Outputs produced so far (samples per channel).</summary>
    public long OutputCount => _nextOutput;

    /// <summary>
    /// Appends interleaved input and returns the interleaved outputs it completed (possibly none).
    /// The returned array is new and belongs to the caller.
    /// </summary>
    public float[] Process(ReadOnlySpan<float> interleaved)
    {
        if (_flushed)
        {
            throw new InvalidOperationException("The resampler was flushed; it takes no more input.");
        }

        var frames = interleaved.Length / _channels;
        Append(interleaved, frames);
        _inputCount += frames;
        return Drain(AvailableEnd());
    }

    /// <summary>Ends the input (zeros after it) and returns the remaining outputs.</summary>
    public float[] Flush()
    {
        if (_flushed)
        {
            return [];
        }

        _flushed = true;
        Append(ReadOnlySpan<float>.Empty, _bank.HalfTaps);
        var end = CeilDiv(_inputCount * _bank.Up, _bank.Down);
        return Drain(Math.Min(end, AvailableEnd()));
    }

    private long AvailableEnd()
    {
        // Output k is ready when floor(k·down/up) + HalfTaps <= the last input index held.
        var last = _historyStart + _historyCount - 1;
        var limit = last - _bank.HalfTaps + 1;
        return limit <= 0 ? 0 : CeilDiv(limit * _bank.Up, _bank.Down);
    }

    private void Append(ReadOnlySpan<float> interleaved, int frames)
    {
        EnsureCapacity(_historyCount + frames);
        if (interleaved.IsEmpty)
        {
            for (var c = 0; c < _channels; c++)
            {
                _history[c].AsSpan(_historyCount, frames).Clear();
            }
        }
        else if (_channels == 1)
        {
            interleaved.Slice(0, frames).CopyTo(_history[0].AsSpan(_historyCount));
        }
        else
        {
            for (var c = 0; c < _channels; c++)
            {
                var target = _history[c];
                for (int n = 0, i = c; n < frames; n++, i += _channels)
                {
                    target[_historyCount + n] = interleaved[i];
                }
            }
        }

        _historyCount += frames;
    }

    private float[] Drain(long end)
    {
        var count = end - _nextOutput;
        if (count <= 0)
        {
            return [];
        }

        var output = new float[count * _channels];
        var taps = _bank.Taps;
        var table = _bank.Table;
        var up = _bank.Up;
        var exactPhases = _bank.Phases == up;
        var baseStep = _bank.Down / up;
        var phaseStep = _bank.Down % up;
        var b = _nextBase;
        var phase = _nextPhase;
        for (var k = 0; k < count; k++)
        {
            ReadOnlySpan<float> row;
            if (exactPhases)
            {
                row = table.AsSpan((int)phase * taps, taps);
            }
            else
            {
                row = Interpolate(table, phase, up, taps);
            }

            var start = (int)(b - _bank.HalfTaps + 1 - _historyStart);
            for (var c = 0; c < _channels; c++)
            {
                output[(k * _channels) + c] = SampleMath.Dot(_history[c].AsSpan(start, taps), row);
            }

            b += baseStep;
            phase += phaseStep;
            if (phase >= up)
            {
                phase -= up;
                b++;
            }
        }

        _nextOutput = end;
        _nextBase = b;
        _nextPhase = phase;
        Discard(b - _bank.HalfTaps + 1);
        return output;
    }

    private ReadOnlySpan<float> Interpolate(float[] table, long phase, int up, int taps)
    {
        var position = (double)phase * _bank.Phases / up;
        var lower = (int)position;
        var weight = (float)(position - lower);
        var a = table.AsSpan(lower * taps, taps);
        var b = table.AsSpan((lower + 1) * taps, taps);
        for (var j = 0; j < taps; j++)
        {
            _scratch[j] = a[j] + (weight * (b[j] - a[j]));
        }

        return _scratch;
    }

    private void Discard(long firstNeeded)
    {
        var drop = (int)Math.Min(Math.Max(0, firstNeeded - _historyStart), _historyCount);
        if (drop == 0)
        {
            return;
        }

        var keep = _historyCount - drop;
        for (var c = 0; c < _channels; c++)
        {
            Array.Copy(_history[c], drop, _history[c], 0, keep);
        }

        _historyStart += drop;
        _historyCount = keep;
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _history[0].Length)
        {
            return;
        }

        var size = Math.Max(needed, 2 * _history[0].Length);
        for (var c = 0; c < _channels; c++)
        {
            Array.Resize(ref _history[c], size);
        }
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    /// <summary>Writes the resampler's position and the input history it still needs.</summary>
    public void Save(NodeStateWriter writer)
    {
        writer.WriteInt64(_historyStart);
        writer.WriteInt64(_inputCount);
        writer.WriteInt64(_nextOutput);
        writer.WriteInt64(_nextBase);
        writer.WriteInt64(_nextPhase);
        writer.WriteBoolean(_flushed);
        for (var c = 0; c < _channels; c++)
        {
            writer.WriteFloats(_history[c].AsSpan(0, _historyCount));
        }
    }

    /// <summary>A resampler for these rates and channels in the state <see cref="Save"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The state is truncated or inconsistent.</exception>
    public static SincResampler Restore(int inputRate, int outputRate, int channels, ref NodeStateReader reader)
    {
        var resampler = new SincResampler(inputRate, outputRate, channels);
        var historyStart = reader.ReadInt64();
        var inputCount = reader.ReadInt64();
        var nextOutput = reader.ReadInt64();
        var nextBase = reader.ReadInt64();
        var nextPhase = reader.ReadInt64();
        var flushed = reader.ReadBoolean();
        var history = new float[channels][];
        for (var c = 0; c < channels; c++)
        {
            history[c] = reader.ReadFloats();
            if (history[c].Length != history[0].Length)
            {
                throw reader.Invalid($"its resampler history holds {history[c].Length} samples on channel {c} and {history[0].Length} on channel 0");
            }
        }

        if (inputCount < 0 || nextOutput < 0 || nextPhase < 0 || nextPhase >= resampler._bank.Up
            || nextBase - resampler._bank.HalfTaps + 1 < historyStart || historyStart + history[0].Length > inputCount + resampler._bank.HalfTaps)
        {
            throw reader.Invalid("its resampler position is inconsistent");
        }

        resampler.EnsureCapacity(history[0].Length);
        for (var c = 0; c < channels; c++)
        {
            history[c].CopyTo(resampler._history[c], 0);
        }

        resampler._historyStart = historyStart;
        resampler._historyCount = history[0].Length;
        resampler._inputCount = inputCount;
        resampler._nextOutput = nextOutput;
        resampler._nextBase = nextBase;
        resampler._nextPhase = nextPhase;
        resampler._flushed = flushed;
        return resampler;
    }
}
