using AkkaMedia.Nodes;
using AkkaMedia.Speech;

namespace AkkaMedia.Host.Pipelines;

/// <summary>The node types the <c>akkamedia</c> program knows, in pipeline files and on its executors: the built-in ones and the speech nodes.</summary>
internal static class HostNodes
{
    /// <summary>A new registry of every node type the program runs.</summary>
    public static NodeRegistry CreateRegistry() => SpeechNodes.Register(BuiltInNodes.CreateRegistry());
}
