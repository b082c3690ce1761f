using Akka.Streams;
using Akka.Streams.Dsl;
using AkkaMedia.Frames;
using AkkaMedia.Host.Edge;
using AkkaMedia.Nodes;
using AkkaMedia.Nodes.Audio;

namespace AkkaMedia.Host.Tests.Edge;

/// <summary>The edge's format conversion: audio of any format and size out in one format and frame size; everything else through.</summary>
public sealed class EdgeAudioAdapterSpec : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public async Task Audio_in_the_target_format_must_come_out_sample_for_sample_in_frames_of_the_target_size_whatever_the_input_sizes()
    {
        var input = Enumerable.Range(0, 4000).Select(i => (float)Math.Sin(i * 0.01)).ToArray();
        var sizes = new[] { 320, 320, 100, 540, 320, 7, 313, 2080 };
        var frames = new List<object>();
        var offset = 0;
        foreach (var size in sizes)
        {
            frames.Add(AudioFrame.Copy(input.AsSpan(offset, size), 16000, 1, frames.Count));
            offset += size;
        }

        var output = await RunAsync(frames, new EdgeAudioAdapter(16000, 1, 320));

        var audio = output.Cast<AudioFrame>().ToList();
        Assert.Equal(input, audio.SelectMany(f => f.Samples.ToArray()));
        Assert.All(audio.SkipLast(1), f => Assert.Equal(320, f.SamplesPerChannel));
        Assert.All(audio, f => Assert.Equal((16000, 1), (f.SampleRate, f.Channels)));
    }

    [Fact]
    public async Task Audio_in_another_rate_and_channel_count_must_be_mixed_and_resampled_to_the_same_duration()
    {
        var stereo = Enumerable.Range(0, 44100 * 2).Select(i => 0.5f * (float)Math.Sin(2 * Math.PI * 440 * (i / 2) / 44100.0)).ToArray();
        var frames = stereo.Chunk(882 * 2).Select((c, i) => (object)new AudioFrame(c, 44100, 2, i)).ToList();

        var output = await RunAsync(frames, new EdgeAudioAdapter(48000, 1, 960));

        var audio = output.Cast<AudioFrame>().ToList();
        Assert.All(audio, f => Assert.Equal((48000, 1), (f.SampleRate, f.Channels)));
        Assert.Equal(48000, audio.Sum(f => f.SamplesPerChannel));
        var middle = audio.Skip(5).Take(40).SelectMany(f => f.Samples.ToArray()).ToArray();
        var rms = Math.Sqrt(middle.Average(s => (double)s * s));
        Assert.InRange(rms, 0.5 / Math.Sqrt(2) * 0.97, 0.5 / Math.Sqrt(2) * 1.03);
    }

    [Fact]
    public async Task Elements_that_are_not_audio_must_pass_and_a_format_change_must_flush_the_old_format_first()
    {
        var frames = new List<object>
        {
            new AudioFrame(new float[100], 16000, 1),
            new VadDecision(true, -10, 0, TimeSpan.Zero),
            new AudioFrame(new float[200], 8000, 1),
        };

        var output = await RunAsync(frames, new EdgeAudioAdapter(16000, 1, 320));

        Assert.IsType<VadDecision>(output[0]);
        Assert.Equal(100, Assert.IsType<AudioFrame>(output[1]).SamplesPerChannel);
        Assert.Equal(400, output.Skip(2).Cast<AudioFrame>().Sum(f => f.SamplesPerChannel));
    }

    private async Task<List<object>> RunAsync(List<object> input, EdgeAudioAdapter adapter) =>
        (await Source.From(input).Via(adapter.AsFlow()).RunWith(Sink.Seq<object>(), Sys.Materializer())).ToList();
}
