using AkkaMedia.SpeechBench;

// AkkaMedia.SpeechBench rtf [--whisper-model PATH]
// AkkaMedia.SpeechBench shared-model [--sessions 1,2,4,8,16]
// AkkaMedia.SpeechBench voice-loop [--sessions 1,2,4,8] [--seconds 30] [--warmup 8]
// One JSON object per line on stdout. Models come from scripts/fetch-models.sh; voice-loop needs a Release build of AkkaMedia.Host.
var command = args.Length > 0 ? args[0] : "rtf";
string? Option(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
IReadOnlyList<int> Counts(string fallback) => (Option("--sessions") ?? fallback).Split(',').Select(int.Parse).ToList();

switch (command)
{
    case "rtf":
        await RealTimeFactor.RunAsync(Option("--whisper-model"), Console.Out);
        return 0;
    case "shared-model":
        await SharedModelLoad.RunAsync(Counts("1,2,4,8,16"), Console.Out);
        return 0;
    case "voice-loop":
        await VoiceLoopLoad.RunAsync(
            Counts("1,2,4,8"),
            TimeSpan.FromSeconds(int.Parse(Option("--seconds") ?? "30")),
            TimeSpan.FromSeconds(int.Parse(Option("--warmup") ?? "8")),
            Console.Out);
        return 0;
    default:
        Console.Error.WriteLine($"Unknown command '{command}': use rtf, shared-model or voice-loop.");
        return 2;
}
