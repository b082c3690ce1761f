using AkkaMedia.Nodes;
using DeployFixture.Helper;
using Humanizer;

namespace DeployFixture.Plugin;

/// <summary>A user node that needs both its local library and its NuGet package at run time.</summary>
public sealed class ScaleAndDescribeNode(float factor) : Node<float, string>
{
    public override void Process(float input, INodeOutput<string> output) =>
        output.Emit(((int)Scaler.Scale(input, factor)).ToWords());
}
