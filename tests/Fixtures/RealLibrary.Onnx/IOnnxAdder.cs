namespace RealLibrary.Onnx;

/// <summary>The contract a client deploys <see cref="OnnxAdder"/> behind (<c>RemoteObject.DeployAsync&lt;IOnnxAdder&gt;</c>).</summary>
public interface IOnnxAdder
{
    /// <summary>The element-wise sum of <paramref name="a"/> and <paramref name="b"/> (same length), computed by ONNX Runtime.</summary>
    float[] Add(float[] a, float[] b);
}
