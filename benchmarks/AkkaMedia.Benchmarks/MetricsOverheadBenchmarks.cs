using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Remote;
using AkkaMedia.TestKit;
using BenchmarkDotNet.Attributes;
using Prometheus;

namespace AkkaMedia.Benchmarks;

/// <summary>
/// What listening to AkkaMedia's meters costs per frame: 5,000 frames of 20 ms mono 48 kHz audio through the built-in
/// remote <c>PassThrough</c> over the media link, with nobody listening (baseline) and with a
/// <see cref="MeterListener"/> enabled on every instrument of both systems' AkkaMedia meters, taking every round-trip
/// measurement and collecting the observable instruments every 100 ms (a far more eager scraper than Prometheus), and
/// with prometheus-net's meter adapter as <c>akkamedia node --http-port</c> runs it, its registry serialized every second
/// as a scrape would.
/// </summary>
/// <remarks>
/// The frame and byte counters run in both cases (they are plain per-session counters); what listening adds is one
/// histogram measurement per frame delivered to the listener and the periodic collections.
/// Executor and client are two actor systems of this process over real loopback remoting.
/// </remarks>
[MemoryDiagnoser]
public class MetricsOverheadBenchmarks
{
    private const int FrameCount = 5_000;

    private ExecutorFixture _executor = null!;
    private ActorSystem _client = null!;
    private IMaterializer _materializer = null!;
    private IRunnableGraph<Task<int>> _stream = null!;
    private MeterListener? _listener;
    private Timer? _collector;
    private IDisposable? _adapter;
    private double _roundTrips;
    private long _measurements;

    [GlobalSetup(Target = nameof(NoListener))]
    public void SetupQuiet() => Start();

    [GlobalSetup(Target = nameof(Listening))]
    public void SetupListening()
    {
        Start();
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name.StartsWith("AkkaMedia", StringComparison.Ordinal))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _measurements, value));
        _listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            _roundTrips += value;
            Interlocked.Increment(ref _measurements);
        });
        _listener.Start();
        _collector = new Timer(_ => _listener.RecordObservableInstruments(), null, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100));
    }

    [GlobalSetup(Target = nameof(PrometheusAdapter))]
    public void SetupPrometheus()
    {
        Start();
        // As the node's HTTP server sets it up: a registry of its own, prometheus-net's global listeners off.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true, SuppressEventCounters = true, SuppressProcessMetrics = true, SuppressDebugMetrics = true });
        var registry = Metrics.NewCustomRegistry();
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = registry,
            MetricFactory = Metrics.WithCustomRegistry(registry),
            InstrumentFilterPredicate = static i => i.Meter.Name.StartsWith("AkkaMedia", StringComparison.Ordinal),
        });
        _collector = new Timer(_ => registry.CollectAndExportAsTextAsync(Stream.Null).GetAwaiter().GetResult(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _collector?.Dispose();
        _listener?.Dispose();
        _adapter?.Dispose();
        _client.Terminate().Wait(TimeSpan.FromSeconds(20));
        _executor.Dispose();
        if (_listener is not null && (_measurements == 0 || _roundTrips <= 0))
        {
            throw new InvalidOperationException("The listener saw no measurement: the benchmark measured nothing.");
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = FrameCount)]
    public Task NoListener() => RunAsync();

    [Benchmark(OperationsPerInvoke = FrameCount)]
    public Task Listening() => RunAsync();

    [Benchmark(OperationsPerInvoke = FrameCount)]
    public Task PrometheusAdapter() => RunAsync();

    private void Start()
    {
        _executor = new ExecutorFixture(BuiltInNodes.CreateRegistry());
        _client = _executor.CreateClient();
        _executor.WaitForExecutorAsync(_client).GetAwaiter().GetResult();
        _materializer = _client.Materializer();
        var frames = Enumerable.Range(0, FrameCount)
            .Select(static i => new AudioFrame(new float[960], 48_000, 1, i, TimeSpan.FromMilliseconds(20 * i)))
            .ToArray();
        _stream = Source.From(frames)
            .Via(RemoteNode.Flow<AudioFrame, AudioFrame>("PassThrough", null, new RemoteStageOptions { Transport = RemoteTransport.MediaLink }))
            .ToMaterialized(Sink.Aggregate<AudioFrame, int>(0, static (count, _) => count + 1), Keep.Right);
    }

    private async Task RunAsync()
    {
        var received = await _stream.Run(_materializer).ConfigureAwait(false);
        if (received != FrameCount)
        {
            throw new InvalidOperationException($"{received} frames came back of {FrameCount}.");
        }
    }
}
