namespace AkkaMedia.Executor.Tests.Objects;

/// <summary>The source of the user code the specs compile and ship.</summary>
public static class UserSources
{
    /// <summary>A calculator with history; <c>Describe()</c> returns <paramref name="description"/>.</summary>
    public static string Calculator(string description = "calculator") => """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        namespace UserCalc
        {
            public interface ICalculator
            {
                int Add(int x);
                int Multiply(int x);
                int Divide(int x);
                List<string> History();
                Task<int> AddAsync(int x);
                Task ResetAsync();
                ValueTask<int> CurrentAsync();
                bool RunsInCollectibleContext();
                string Describe();
                void Hang(int milliseconds);
                Point Shift(Point point);
            }

            public sealed class Point
            {
                public int X { get; set; }
                public int Y { get; set; }
                public List<string> Trail { get; set; } = new List<string>();
            }

            public sealed class CalculatorException : Exception
            {
                public CalculatorException(string message) : base(message) { }
            }

            public sealed class Calculator : ICalculator
            {
                private readonly List<string> _history = new List<string>();
                private int _value;

                public int Value => _value;

                public List<string> Log => _history;

                public int Add(int x) { _value += x; _history.Add("add " + x); return _value; }

                public int Multiply(int x) { _value *= x; _history.Add("multiply " + x); return _value; }

                public int Divide(int x)
                {
                    if (x == 0) { Fail(); }
                    _value /= x;
                    _history.Add("divide " + x);
                    return _value;
                }

                public List<string> History() => _history;

                public async Task<int> AddAsync(int x) { await Task.Yield(); return Add(x); }

                public async Task ResetAsync() { await Task.Yield(); _value = 0; _history.Add("reset"); }

                public ValueTask<int> CurrentAsync() => new ValueTask<int>(_value);

                public bool RunsInCollectibleContext() => typeof(Calculator).Assembly.IsCollectible;

                public string Describe() => "DESCRIPTION";

                public void Hang(int milliseconds) => Thread.Sleep(milliseconds);

                public Point Shift(Point point)
                {
                    var trail = new List<string>(point.Trail) { "shifted by " + _value };
                    return new Point { X = point.X + _value, Y = point.Y, Trail = trail };
                }

                private void Fail() => throw new CalculatorException("cannot divide " + _value + " by zero");
            }
        }
        """.Replace("DESCRIPTION", description, StringComparison.Ordinal);

    /// <summary>The contract of <see cref="Versioned"/>, in an assembly of its own (<c>UserContracts</c>).</summary>
    public const string Contract = """
        namespace UserContracts
        {
            public interface IVersioned
            {
                string Describe();
                int Add(int x);
            }
        }
        """;

    /// <summary>An implementation of <c>IVersioned</c> (assembly <c>UserVersioned</c>) that describes itself as <paramref name="description"/>.</summary>
    public static string Versioned(string description) => """
        namespace UserVersioned
        {
            public sealed class Counter : UserContracts.IVersioned
            {
                public int Value { get; private set; }

                public string Describe() => "DESCRIPTION";

                public int Add(int x) => Value += x;
            }
        }
        """.Replace("DESCRIPTION", description, StringComparison.Ordinal);

    /// <summary>Objects that cannot be shipped, and one whose deserialization constructor throws on an executor.</summary>
    public const string Awkward = """
        using System;
        using System.IO;

        namespace UserAwkward
        {
            public interface IProbe
            {
                int Ping();
            }

            public sealed class WithCallback : IProbe
            {
                private readonly Func<int> _callback = () => 42;
                public int Ping() => _callback();
            }

            public sealed class Inner
            {
                public Stream Output { get; set; } = new MemoryStream();
            }

            public sealed class WithNestedStream : IProbe
            {
                private readonly Inner _inner = new Inner();
                public int Ping() => (int)_inner.Output.Length;
            }

            public sealed class Fragile : IProbe
            {
                private static readonly int Marker;

                static Fragile()
                {
                    if (typeof(Fragile).Assembly.IsCollectible)
                    {
                        throw new InvalidOperationException("Fragile refuses to be rebuilt on an executor");
                    }

                    Marker = 1;
                }

                public int Ping() => Marker;
            }
        }
        """;

    /// <summary>Code that reads a file directly, which the executor's default sandbox policy forbids.</summary>
    public const string Snooper = """
        namespace UserSnooper
        {
            public interface IProbe
            {
                int Ping();
            }

            public sealed class Snooper : IProbe
            {
                public int Ping() => System.IO.File.ReadAllText("/etc/hostname").Length;
            }
        }
        """;

    /// <summary>A node that reads the process environment, which the executor's default sandbox policy forbids.</summary>
    public const string NosyNode = """
        using AkkaMedia.Frames;
        using AkkaMedia.Nodes;

        namespace UserNosy
        {
            public sealed class NosyNode : Node<AudioFrame, AudioFrame>
            {
                public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
                {
                    if (System.Environment.GetEnvironmentVariable("HOME") != null)
                    {
                        output.Emit(input);
                    }
                }
            }
        }
        """;

    /// <summary>A user node with state: a gain that decays frame after frame, and an extra copy of every third frame.</summary>
    public const string DecayingGain = """
        using AkkaMedia.Frames;
        using AkkaMedia.Nodes;

        namespace UserNodes
        {
            public sealed class DecayingGain : Node<AudioFrame, AudioFrame>
            {
                private readonly float _gain;
                private float _current = 1f;
                private long _count;

                public DecayingGain(float gain) { _gain = gain; }

                public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
                {
                    var source = input.Samples.Span;
                    var samples = new float[source.Length];
                    for (var i = 0; i < samples.Length; i++)
                    {
                        samples[i] = source[i] * _gain * _current;
                    }

                    _current *= 0.9f;
                    _count++;
                    output.Emit(input.WithSamples(samples));
                    if (_count % 3 == 0)
                    {
                        output.Emit(input.WithSamples(samples));
                    }
                }
            }
        }
        """;
}
