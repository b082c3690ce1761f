using AkkaMedia.Frames;
using AkkaMedia.Nodes;

namespace AkkaMedia.Core.Tests.Nodes.TestNodes;

/// <summary>Accepts only 48 kHz mono audio and refuses anything else with <see cref="FrameFormatException"/>.</summary>
public sealed class MonoOnlyNode : Node<AudioFrame, AudioFrame>
{
    public const string Expected = "48000 Hz, 1 ch";

    public override string Name => "MonoOnly";

    public override void Process(AudioFrame input, INodeOutput<AudioFrame> output)
    {
        if (input.Format != Expected)
        {
            throw new FrameFormatException(Name, Expected, input.Format);
        }

        output.Emit(input);
    }
}
