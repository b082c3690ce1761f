using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using AkkaMedia.Frames;

namespace AkkaMedia.Nodes;

/// <summary>
/// Adapts a <see cref="Node{TIn,TOut}"/> to an Akka.Streams flow stage.
/// </summary>
/// <remarks>
/// <para>Each materialization runs its own node, made by the factory (or the single instance given,
/// which then may be materialized only once). The node is initialized when the stage starts and
/// disposed exactly once when it stops: on completion, on failure and on downstream cancellation.</para>
/// <para>Backpressure: the stage pulls one input at a time and only when every output of the previous
/// input has been pushed. Outputs beyond downstream demand wait in a queue bounded by
/// <c>maxPendingOutputs</c>; a node that exceeds it fails the stream.</para>
/// <para>An exception from the node fails the stream with a <see cref="NodeException"/> naming the node.</para>
/// <para>Pooled audio frames (<see cref="AudioFrame"/>): the input is lent to the node for the <c>Process</c> call.
/// If the node emits that very frame, its reference goes downstream with it; otherwise the stage releases it when
/// <c>Process</c> returns (or throws). A node that keeps the frame calls <see cref="AudioFrame.Retain"/>.</para>
/// </remarks>
/// <typeparam name="TIn">Element type consumed.</typeparam>
/// <typeparam name="TOut">Element type emitted.</typeparam>
public sealed class NodeStage<TIn, TOut> : GraphStage<FlowShape<TIn, TOut>>
{
    /// <summary>Default bound on outputs queued inside the stage beyond downstream demand.</summary>
    public const int DefaultMaxPendingOutputs = 4096;

    private readonly Func<Node<TIn, TOut>> _factory;
    private readonly int _maxPendingOutputs;
    private readonly string _name;

    /// <summary>Creates a stage that makes a new node with <paramref name="factory"/> for every materialization.</summary>
    /// <param name="factory">Makes the node; called when the stage starts.</param>
    /// <param name="name">Stage name; by default the name of the first node made.</param>
    /// <param name="maxPendingOutputs">Bound on queued outputs; positive.</param>
    public NodeStage(Func<Node<TIn, TOut>> factory, string? name = null, int maxPendingOutputs = DefaultMaxPendingOutputs)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPendingOutputs);
        _factory = factory;
        _maxPendingOutputs = maxPendingOutputs;
        _name = name ?? typeof(Node<TIn, TOut>).Name;
        Shape = new FlowShape<TIn, TOut>(new Inlet<TIn>(_name + ".in"), new Outlet<TOut>(_name + ".out"));
    }

    /// <summary>Creates a stage over one node instance; materializing it a second time fails.</summary>
    public NodeStage(Node<TIn, TOut> node, int maxPendingOutputs = DefaultMaxPendingOutputs)
        : this(SingleUse(node), node.Name, maxPendingOutputs)
    {
    }

    /// <inheritdoc />
    public override FlowShape<TIn, TOut> Shape { get; }

    /// <inheritdoc />
    protected override Attributes InitialAttributes => Attributes.CreateName(_name);

    /// <inheritdoc />
    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private static Func<Node<TIn, TOut>> SingleUse(Node<TIn, TOut> node)
    {
        ArgumentNullException.ThrowIfNull(node);
        var taken = 0;
        return () => Interlocked.Exchange(ref taken, 1) == 0
            ? node
            : throw new InvalidOperationException(
                $"Node '{node.Name}' is already running in another materialization. A node instance serves one stream; " +
                "build the flow with NodeFlow.Create(() => new ...) to materialize it more than once.");
    }

    /// <summary>
    /// The stage's logic: its own in and out handler, the node's output, with the ports and the bound in fields, so an
    /// element costs no delegate call and no lookup through the stage.
    /// </summary>
    private sealed class Logic : InAndOutGraphStageLogic, INodeOutput<TOut>
    {
        private readonly NodeStage<TIn, TOut> _stage;
        private readonly Inlet<TIn> _in;
        private readonly Outlet<TOut> _out;
        private readonly int _maxPendingOutputs;
        private readonly Queue<TOut> _pending = new();
        private readonly CancellationTokenSource _stopping = new();
        private Node<TIn, TOut>? _node;
        private AudioFrame? _lent;
        private bool _lentEmitted;
        private string _nodeName;
        private bool _finishing;
        private bool _disposed;

        public Logic(NodeStage<TIn, TOut> stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _in = stage.Shape.Inlet;
            _out = stage.Shape.Outlet;
            _maxPendingOutputs = stage._maxPendingOutputs;
            _nodeName = stage._name;
            SetHandler(_in, this);
            SetHandler(_out, this);
        }

        public override void PreStart()
        {
            try
            {
                _node = _stage._factory();
                _nodeName = _node.Name;
            }
            catch (Exception e)
            {
                FailStage(new NodeException(_nodeName, "construction", e));
                return;
            }

            try
            {
                _node.Initialize(new NodeContext(_nodeName, Log, _stopping.Token, Materializer is ActorMaterializer materializer ? SessionStateStore.Get(materializer.System) : null));
            }
            catch (Exception e)
            {
                FailStage(new NodeException(_nodeName, "initialize", e));
                return;
            }

            Pull(_in);
        }

        public void Emit(TOut element)
        {
            if (!typeof(TOut).IsValueType && _lent is not null && ReferenceEquals(element, _lent))
            {
                _lentEmitted = true;
            }

            if (_pending.Count == 0 && IsAvailable(_out))
            {
                Push(_out, element);
                return;
            }

            if (_pending.Count >= _maxPendingOutputs)
            {
                throw new InvalidOperationException(
                    $"Node '{_nodeName}' emitted more than {_maxPendingOutputs} elements beyond downstream demand. " +
                    "Emit fewer outputs per input, or raise maxPendingOutputs on its NodeStage.");
            }

            _pending.Enqueue(element);
        }

        public override void OnPull()
        {
            if (_pending.TryDequeue(out var next))
            {
                Push(_out, next);
                if (_pending.Count == 0 && _finishing)
                {
                    CompleteStage();
                }

                return;
            }

            if (_finishing)
            {
                CompleteStage();
            }
            else if (!HasBeenPulled(_in))
            {
                Pull(_in);
            }
        }

        public override void PostStop()
        {
            _stopping.Cancel();
            if (_node is not null && !_disposed)
            {
                _disposed = true;
                try
                {
                    _node.Dispose();
                }
                catch (Exception e)
                {
                    Log.Error(e, "Node '{0}' failed in cleanup", _nodeName);
                }
            }

            _stopping.Dispose();
            _node = null;
        }

        public override void OnPush()
        {
            var input = Grab(_in);
            _lent = input as AudioFrame;
            try
            {
                _node!.Process(input, this);
            }
            catch (Exception e)
            {
                FailStage(new NodeException(_nodeName, "process", e));
                return;
            }
            finally
            {
                ReleaseLent();
            }

            if (_pending.Count == 0 && IsAvailable(_out))
            {
                Pull(_in);
            }
        }

        public override void OnUpstreamFinish()
        {
            _finishing = true;
            try
            {
                _node!.Complete(this);
            }
            catch (Exception e)
            {
                FailStage(new NodeException(_nodeName, "complete", e));
                return;
            }

            if (_pending.Count == 0)
            {
                CompleteStage();
            }
        }

        public override void OnUpstreamFailure(Exception e) => FailStage(e);

        /// <summary>
        /// The input frame was lent to the node for the call: unless the node emitted it (handing it downstream) its
        /// reference ends here; a node that kept it took a reference of its own with <see cref="AudioFrame.Retain"/>.
        /// </summary>
        private void ReleaseLent()
        {
            var lent = _lent;
            _lent = null;
            if (lent is not null && !_lentEmitted)
            {
                lent.Release();
            }

            _lentEmitted = false;
        }
    }
}
