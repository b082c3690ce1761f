using Akka.Configuration;
using AkkaMedia.Nodes;

namespace AkkaMedia.Host.Pipelines;

/// <summary>
/// One stage of a pipeline file: a registered node type, its settings, whether it runs on an executor, and whether that
/// remote stage moves to another executor when its own dies (<c>failover = true</c>).
/// </summary>
internal sealed record PipelineStageDefinition(int Index, NodeDescriptor Descriptor, Config Settings, string SettingsText, bool Remote, bool Failover);
