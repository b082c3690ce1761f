using Akka;
using Akka.Streams.Dsl;
using AkkaMedia.Nodes;

namespace AkkaMedia.Speech.Stt;

/// <summary>Builds the speech-to-text stage: a <see cref="SpeechToTextNode"/> per materialization and, after it, the await of each recognition in stream order.</summary>
public static class SpeechToText
{
    /// <summary>
    /// The stage: elements in, the same elements (audio only with <c>passAudio</c>) plus a <see cref="Transcript"/> after
    /// each utterance out. Recognitions run off the stream's thread; while one runs, the elements after it wait
    /// (backpressure), so transcripts keep their place.
    /// </summary>
    /// <param name="recognizer">Makes the engine of one materialization.</param>
    /// <param name="passAudio">Whether audio frames pass on.</param>
    /// <param name="maxUtterance">Longest audio transcribed at once.</param>
    public static Flow<object, object, NotUsed> Flow(Func<ISpeechRecognizer> recognizer, bool passAudio = false, TimeSpan? maxUtterance = null)
    {
        ArgumentNullException.ThrowIfNull(recognizer);
        return NodeFlow.Create(() => new SpeechToTextNode(recognizer(), passAudio, maxUtterance), "SpeechToText")
            .SelectAsync(1, static element => element is PendingTranscript pending ? Await(pending.Result) : Task.FromResult(element))
            .Select(static element => element is Failed failed ? throw failed.Error : element);
    }

    /// <summary>The transcript, or the recognition's error as an element: a faulted task would fail the stream with an <see cref="AggregateException"/> around it.</summary>
    private static async Task<object> Await(Task<Transcript> transcript)
    {
        try
        {
            return await transcript.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            return new Failed(e);
        }
    }

    private sealed record Failed(Exception Error);
}
