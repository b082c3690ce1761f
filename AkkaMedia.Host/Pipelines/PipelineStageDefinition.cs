using Akka.Configuration;
using AkkaMedia.Nodes;

namespace AkkaMedia.Host.Pipelines;

/// <summary>One stage of a pipeline file: a registered node type, its settings, and whether it runs on an executor.</summary>
internal sealed record PipelineStageDefinition(int Index, NodeDescriptor Descriptor, Config Settings, string SettingsText, bool Remote);
