using Akka.Streams;
using Akka.Streams.Stage;
using System.ComponentModel;

namespace AkkaMedia.Protocol.Link;

/// <summary>
/// One end of a channel of a <see cref="MediaLink"/> as an untyped flow (the executor's end of a
/// session); see <see cref="LinkChannelLogic{TIn,TOut}"/> for the protocol.
/// </summary>
/// <remarks>
/// The stage starts unbound; <c>onStart</c> receives an <see cref="ILinkStageControl"/> through which
/// the owner binds it to a link and channel once the session is placed, or fails it.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class LinkChannelStage : GraphStage<FlowShape<object, object>>
{
    private readonly Action<ILinkStageControl> _onStart;
    private readonly int _window;
    private readonly bool _isClient;

    /// <param name="onStart">Called once the stage runs, with the control its owner binds or fails it through.</param>
    /// <param name="window">Credit granted to the peer, in elements.</param>
    /// <param name="isClient">True for a client's end (it opens the channel), false for an executor's.</param>
    /// <param name="name">Names the stage's ports.</param>
    public LinkChannelStage(Action<ILinkStageControl> onStart, int window, bool isClient, string name)
    {
        _onStart = onStart;
        _window = window;
        _isClient = isClient;
        Shape = new FlowShape<object, object>(new Inlet<object>(name + ".in"), new Outlet<object>(name + ".out"));
    }

    /// <summary>Elements to send to the peer in, elements the peer sent out.</summary>
    public override FlowShape<object, object> Shape { get; }

    /// <summary>One logic per materialization, each its own channel.</summary>
    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic(LinkChannelStage stage)
        : LinkChannelLogic<object, object>(stage.Shape, stage.Shape.Inlet, stage.Shape.Outlet, stage._window, stage._isClient)
    {
        protected override void OnStart() => stage._onStart(this);
    }
}
