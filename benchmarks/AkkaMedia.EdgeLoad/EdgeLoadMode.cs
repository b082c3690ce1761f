namespace AkkaMedia.EdgeLoad;

/// <summary>What one invocation of the program does.</summary>
internal enum EdgeLoadMode
{
    /// <summary><c>run</c>: starts the executor, <c>serve</c> and the floor as child processes and measures each point against both.</summary>
    Run,

    /// <summary><c>client --url</c>: measures the points against one server that is already running.</summary>
    Client,

    /// <summary><c>floor-server --port</c>: the bare Kestrel echo of the <c>/media</c> protocol (started by <c>run</c>).</summary>
    FloorServer,
}
