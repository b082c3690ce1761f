using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;

namespace AkkaMedia.Nodes;

/// <summary>
/// Adapts a <see cref="SourceNode{TOut}"/> to an Akka.Streams source stage. Each materialization
/// makes its own source with the factory (or uses the single instance given, once). The source
/// produces only on demand and is disposed exactly once when the stage stops.
/// </summary>
/// <typeparam name="TOut">Element type produced.</typeparam>
public sealed class SourceStage<TOut> : GraphStage<SourceShape<TOut>>
{
    private readonly Func<SourceNode<TOut>> _factory;
    private readonly string _name;

    /// <summary>Creates a stage that makes a new source with <paramref name="factory"/> for every materialization.</summary>
    public SourceStage(Func<SourceNode<TOut>> factory, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _factory = factory;
        _name = name ?? typeof(SourceNode<TOut>).Name;
        Shape = new SourceShape<TOut>(new Outlet<TOut>(_name + ".out"));
    }

    /// <summary>Creates a stage over one source instance; materializing it a second time fails.</summary>
    public SourceStage(SourceNode<TOut> source)
        : this(SingleUse(source), source.Name)
    {
    }

    /// <inheritdoc />
    public override SourceShape<TOut> Shape { get; }

    /// <inheritdoc />
    protected override Attributes InitialAttributes => Attributes.CreateName(_name);

    /// <inheritdoc />
    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private static Func<SourceNode<TOut>> SingleUse(SourceNode<TOut> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var taken = 0;
        return () => Interlocked.Exchange(ref taken, 1) == 0
            ? source
            : throw new InvalidOperationException(
                $"Source '{source.Name}' is already running in another materialization; build it with SourceStage(() => new ...) to run it more than once.");
    }

    private sealed class Logic : OutGraphStageLogic, INodeOutput<TOut>
    {
        private readonly SourceStage<TOut> _stage;
        private readonly Queue<TOut> _pending = new();
        private readonly CancellationTokenSource _stopping = new();
        private SourceNode<TOut>? _source;
        private string _name;
        private bool _exhausted;

        public Logic(SourceStage<TOut> stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _name = stage._name;
            SetHandler(stage.Shape.Outlet, this);
        }

        public override void PreStart()
        {
            try
            {
                _source = _stage._factory();
                _name = _source.Name;
                _source.Initialize(new NodeContext(_name, Log, _stopping.Token, Materializer is ActorMaterializer materializer ? SessionStateStore.Get(materializer.System) : null));
            }
            catch (Exception e)
            {
                FailStage(new NodeException(_name, "initialize", e));
            }
        }

        public void Emit(TOut element) => _pending.Enqueue(element);

        public override void OnPull()
        {
            if (_pending.Count == 0 && !_exhausted)
            {
                try
                {
                    _exhausted = !_source!.Produce(this);
                }
                catch (Exception e)
                {
                    FailStage(new NodeException(_name, "produce", e));
                    return;
                }

                if (_pending.Count == 0 && !_exhausted)
                {
                    FailStage(new NodeException(_name, $"Source '{_name}' returned true from Produce without emitting an element."));
                    return;
                }
            }

            if (_pending.TryDequeue(out var next))
            {
                Push(_stage.Shape.Outlet, next);
            }

            if (_pending.Count == 0 && _exhausted)
            {
                CompleteStage();
            }
        }

        public override void PostStop()
        {
            _stopping.Cancel();
            if (_source is not null)
            {
                try
                {
                    _source.Dispose();
                }
                catch (Exception e)
                {
                    Log.Error(e, "Source '{0}' failed in cleanup", _name);
                }

                _source = null;
            }

            _stopping.Dispose();
        }
    }
}
