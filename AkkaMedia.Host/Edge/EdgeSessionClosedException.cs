namespace AkkaMedia.Host.Edge;

/// <summary>The reason a session's stream is stopped when its connection closes before the pipeline finished.</summary>
internal sealed class EdgeSessionClosedException(string message) : Exception(message);
