namespace AkkaMedia.Executor.Diagnostics;

/// <summary>Values of the <c>kind</c> tag of the executor's session instruments.</summary>
internal static class SessionKind
{
    /// <summary>A registered (built-in) node type.</summary>
    public const string Node = "node";

    /// <summary>A node shipped by the client as code.</summary>
    public const string ShippedNode = "shipped-node";

    /// <summary>A remote object (calls, no stream).</summary>
    public const string Object = "object";
}
