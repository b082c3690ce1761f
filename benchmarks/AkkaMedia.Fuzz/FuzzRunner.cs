using System.Diagnostics;

namespace AkkaMedia.Fuzz;

/// <summary>
/// The in-process fuzzing loop for one target: mutates a corpus that starts from the seeds and keeps any input that
/// reaches an outcome kind not seen before (a cheap stand-in for coverage feedback), checks every input with
/// <see cref="FuzzCheck"/>, and keeps the smallest input of each kind of finding. A watchdog thread ends the process
/// when one input runs past the hang limit, after writing that input to the findings directory.
/// </summary>
internal sealed class FuzzRunner
{
    private const int MaxCorpus = 512;

    private readonly FuzzTarget _target;
    private readonly int _seed;
    private readonly TimeSpan _slow;
    private readonly TimeSpan _hang;
    private readonly string _findings;
    private byte[] _current = [];
    private long _started;

    /// <param name="target">The parser.</param>
    /// <param name="seed">Seed of the mutator's random generator: the same seed makes the same inputs.</param>
    /// <param name="slow">Per-input time above which an input is a finding.</param>
    /// <param name="hang">Per-input time after which the process stops: the input hangs the parser.</param>
    /// <param name="findings">Directory where hanging inputs and findings are written.</param>
    public FuzzRunner(FuzzTarget target, int seed, TimeSpan slow, TimeSpan hang, string findings)
    {
        _target = target;
        _seed = seed;
        _slow = slow;
        _hang = hang;
        _findings = findings;
    }

    /// <summary>Parses <paramref name="inputs"/> inputs, or as many as fit in <paramref name="duration"/> when that comes first.</summary>
    public FuzzReport Run(long inputs, TimeSpan? duration, Action<string>? progress = null)
    {
        var random = new Random(_seed);
        var corpus = new List<byte[]>(_target.Seeds);
        var seen = new HashSet<string>();
        var findings = new Dictionary<string, Finding>();
        long rejected = 0, maxAllocated = 0, done = 0;
        var slowest = TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();
        var watchdog = new Thread(() => Watch(stop.Token)) { IsBackground = true, Name = "fuzz-watchdog" };
        watchdog.Start();
        try
        {
            for (; done < inputs; done++)
            {
                if ((done & 1023) == 0)
                {
                    if (duration is { } limit && clock.Elapsed > limit)
                    {
                        break;
                    }

                    if ((done & ((1 << 17) - 1)) == 0 && done > 0)
                    {
                        progress?.Invoke($"{_target.Name}: {done:N0} inputs, {clock.Elapsed.TotalSeconds:F0} s, {seen.Count} outcome kinds, {findings.Count} findings");
                    }
                }

                var input = done < _target.Seeds.Count ? _target.Seeds[(int)done] : Mutator.Next(random, corpus, _target.Tokens);
                Volatile.Write(ref _current, input);
                Volatile.Write(ref _started, Stopwatch.GetTimestamp());
                var outcome = FuzzCheck.Run(_target, input, _slow);
                Volatile.Write(ref _started, 0);
                if (outcome.Exception is not null)
                {
                    rejected++;
                }

                maxAllocated = Math.Max(maxAllocated, outcome.Allocated);
                if (outcome.Elapsed > slowest)
                {
                    slowest = outcome.Elapsed;
                }

                if (outcome.Problem is { } problem)
                {
                    var kind = new string([.. problem.Where(c => !char.IsDigit(c))]) + "|" + outcome.Signature;
                    if (!findings.TryGetValue(kind, out var known) || known.Input.Length > input.Length)
                    {
                        findings[kind] = new Finding(_target.Name, problem, input, outcome.Exception);
                    }
                }

                if (seen.Add(outcome.Signature) && corpus.Count < MaxCorpus)
                {
                    corpus.Add(input);
                }
            }
        }
        finally
        {
            stop.Cancel();
            watchdog.Join();
        }

        var list = findings.Values.OrderBy(f => f.Kind, StringComparer.Ordinal).ToList();
        Save(list);
        return new FuzzReport(_target.Name, done, clock.Elapsed, rejected, seen.Count, corpus.Count, maxAllocated, slowest, list);
    }

    private void Save(IReadOnlyList<Finding> findings)
    {
        if (findings.Count == 0)
        {
            return;
        }

        Directory.CreateDirectory(_findings);
        for (var i = 0; i < findings.Count; i++)
        {
            File.WriteAllBytes(Path.Combine(_findings, $"{_target.Name}-{i}.bin"), findings[i].Input);
        }
    }

    private void Watch(CancellationToken stop)
    {
        while (!stop.WaitHandle.WaitOne(200))
        {
            var started = Volatile.Read(ref _started);
            if (started != 0 && Stopwatch.GetElapsedTime(started) > _hang)
            {
                var input = Volatile.Read(ref _current);
                Directory.CreateDirectory(_findings);
                var file = Path.Combine(_findings, $"{_target.Name}-hang.bin");
                File.WriteAllBytes(file, input);
                Console.Error.WriteLine($"HANG: {_target.Name} ran one input for more than {_hang.TotalSeconds} s; the input is in {file}.");
                Environment.Exit(3);
            }
        }
    }
}
