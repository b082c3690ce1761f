namespace AkkaMedia.Host.Pipelines;

/// <summary>A pipeline file is malformed or refers to something unknown; the message names the file, line and key.</summary>
internal sealed class PipelineFileException(string message, Exception? inner = null) : Exception(message, inner);
