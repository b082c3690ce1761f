using System.Diagnostics;
using AkkaMedia.Speech.Models;
using AkkaMedia.Speech.Stt;

namespace AkkaMedia.SpeechBench;

/// <summary>
/// Many sessions, one model: N recognizers of the same Moonshine model each transcribe a sentence at the same moment,
/// with the model's concurrency limit at the number of cores. Shows one load for all sessions, and how long the
/// sessions beyond the limit queue.
/// </summary>
internal static class SharedModelLoad
{
    public static async Task RunAsync(IReadOnlyList<int> sessionCounts, TextWriter output)
    {
        var utterance = BenchAudio.Silence(0.2).Concat(BenchAudio.Say(BenchAudio.Sentences[3])).Concat(BenchAudio.Silence(0.2)).ToArray();
        var slots = Environment.ProcessorCount;
        foreach (var sessions in sessionCounts)
        {
            var recognizers = Enumerable.Range(0, sessions).Select(_ => SpeechRecognizers.Create("moonshine", null, "en", slots, TimeSpan.FromMinutes(1))).ToList();
            try
            {
                var loadsBefore = ProcessModels.Moonshine.Loads;
                foreach (var recognizer in recognizers)
                {
                    recognizer.Open();
                }

                var loads = ProcessModels.Moonshine.Loads - loadsBefore;
                await recognizers[0].RecognizeAsync(utterance, CancellationToken.None); // warm
                var (queuedBefore, waitedBefore) = (ProcessModels.Moonshine.Queued, ProcessModels.Moonshine.QueuedTime);
                var clock = Stopwatch.StartNew();
                var latencies = await Task.WhenAll(recognizers.Select(async r =>
                {
                    var start = clock.Elapsed;
                    await r.RecognizeAsync(utterance, CancellationToken.None);
                    return (clock.Elapsed - start).TotalMilliseconds;
                }));
                var wall = clock.Elapsed;
                var queued = ProcessModels.Moonshine.Queued - queuedBefore;
                var waited = ProcessModels.Moonshine.QueuedTime - waitedBefore;
                output.WriteLine(
                    $$"""{"kind":"shared-model","sessions":{{sessions}},"slots":{{slots}},"loads":{{loads}},"utteranceSeconds":{{utterance.Length / (double)BenchAudio.Rate:0.00}},"wallSeconds":{{wall.TotalSeconds:0.000}},"queued":{{queued}},"meanQueueMs":{{(queued == 0 ? 0 : waited.TotalMilliseconds / queued):0.0}},"latency":{{Percentiles.Json(latencies)}}}""");
            }
            finally
            {
                recognizers.ForEach(r => r.Dispose());
            }
        }
    }
}
