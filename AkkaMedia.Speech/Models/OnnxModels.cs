using Microsoft.ML.OnnxRuntime;

namespace AkkaMedia.Speech.Models;

/// <summary>Opens ONNX model files for the speech nodes.</summary>
internal static class OnnxModels
{
    /// <summary>
    /// The model at <paramref name="path"/> with one intra-op and one inter-op thread: a session serves many streams,
    /// each inference is small, and sessions run side by side, so threads inside one inference would only contend.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not an ONNX model; the message is <paramref name="node"/>'s, names the path and ends with <paramref name="fix"/>.</exception>
    public static InferenceSession Open(string path, string node, string fix)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        try
        {
            return new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{node}: '{path}' is not a valid ONNX model ({e.Message.Trim()}). {fix}", e);
        }
    }
}
