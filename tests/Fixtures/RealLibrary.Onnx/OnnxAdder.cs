using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace RealLibrary.Onnx;

/// <summary>
/// A user object that runs its own model with ONNX Runtime: a one-node <c>Add</c> graph (<see cref="TinyModel"/>) loaded
/// from bytes into an <see cref="InferenceSession"/>, which calls the native libonnxruntime through DllImport. The
/// session is made on the first call (on the executor) and is not shipped.
/// </summary>
public sealed class OnnxAdder : IOnnxAdder, IDisposable
{
    [NonSerialized]
    private InferenceSession? _session;

    [NonSerialized]
    private int _length;

    /// <inheritdoc />
    public float[] Add(float[] a, float[] b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Length != b.Length || a.Length == 0)
        {
            throw new ArgumentException("a and b must be non-empty and of the same length.", nameof(b));
        }

        if (_session is null || _length != a.Length)
        {
            _session?.Dispose();
            _session = new InferenceSession(TinyModel.Add(a.Length));
            _length = a.Length;
        }

        using var results = _session.Run(
        [
            NamedOnnxValue.CreateFromTensor("a", new DenseTensor<float>(a, [a.Length])),
            NamedOnnxValue.CreateFromTensor("b", new DenseTensor<float>(b, [b.Length])),
        ]);
        return [.. results.Single(r => r.Name == "sum").AsEnumerable<float>()];
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _session?.Dispose();
        _session = null;
    }
}
