using AkkaMedia.Frames;
using AkkaMedia.Nodes;
using AkkaMedia.Speech.Tts;

namespace AkkaMedia.Speech.Tests;

public sealed class TextToSpeechSpec
{
    [Fact]
    public void Speech_must_be_audible_at_the_requested_rate_in_20ms_frames_with_continuous_times()
    {
        using var node = new TextToSpeechNode(sampleRate: 48000);
        node.Initialize(NodeContext.Detached("tts"));
        var output = new Speech.Collect<AudioFrame>();

        node.Process(new TextFrame("Hello world."), output);
        node.Process(new TextFrame("Goodbye."), output);

        Assert.All(output.Items, f => Assert.Equal((48000, 1), (f.SampleRate, f.Channels)));
        // Every frame is 20 ms but the last of each utterance, which holds what is left.
        Assert.InRange(output.Items.Count(f => f.SamplesPerChannel != 960), 1, 2);
        Assert.All(output.Items, f => Assert.InRange(f.SamplesPerChannel, 1, 960));
        Assert.Equal(Enumerable.Range(0, output.Items.Count).Select(i => (long)i), output.Items.Select(f => f.Sequence));
        for (var i = 1; i < output.Items.Count; i++)
        {
            var expected = output.Items[i - 1].Timestamp + output.Items[i - 1].Duration;
            Assert.InRange(output.Items[i].Timestamp.Ticks, expected.Ticks - 10, expected.Ticks + 10);
        }

        var samples = output.Items.SelectMany(f => f.Samples.ToArray()).ToArray();
        var rms = Math.Sqrt(samples.Average(s => (double)s * s));
        Assert.True(rms > 0.02, $"speech RMS {rms:0.0000} is too quiet to be speech");
    }

    [Fact]
    public void Longer_text_must_take_longer_to_say_and_a_faster_rate_less_time()
    {
        var shortText = Speech.Say("Yes.").Length;
        var longText = Speech.Say("Yes, I will meet you at the station tomorrow morning at nine.").Length;
        Assert.True(longText > 3 * shortText, $"{longText} samples for the long text, {shortText} for the short one");

        var slow = Say("Yes, I will meet you at the station tomorrow morning at nine.", 120);
        var fast = Say("Yes, I will meet you at the station tomorrow morning at nine.", 300);
        Assert.True(fast < slow * 0.7, $"{fast} samples at 300 wpm, {slow} at 120 wpm");
    }

    [Fact]
    public void Blank_text_must_produce_nothing()
    {
        using var node = new TextToSpeechNode(sampleRate: 16000);
        node.Initialize(NodeContext.Detached("tts"));
        var output = new Speech.Collect<AudioFrame>();

        node.Process(new TextFrame("   "), output);

        Assert.Empty(output.Items);
    }

    [Fact]
    public void Bad_settings_must_name_the_setting_and_an_unknown_voice_must_fail_when_the_node_starts()
    {
        Assert.Equal("rate", Assert.Throws<ArgumentOutOfRangeException>(() => new TextToSpeechNode(wordsPerMinute: 20)).ParamName);
        Assert.Equal("pitch", Assert.Throws<ArgumentOutOfRangeException>(() => new TextToSpeechNode(pitch: 101)).ParamName);
        Assert.Equal("sample-rate", Assert.Throws<ArgumentOutOfRangeException>(() => new TextToSpeechNode(sampleRate: 100)).ParamName);

        using var node = new TextToSpeechNode("klingon-xx");
        var e = Assert.Throws<ArgumentException>(() => node.Initialize(NodeContext.Detached("tts")));
        Assert.Contains("no voice 'klingon-xx'", e.Message);
    }

    private static int Say(string text, int wordsPerMinute)
    {
        using var node = new TextToSpeechNode(wordsPerMinute: wordsPerMinute, sampleRate: 16000);
        node.Initialize(NodeContext.Detached("tts"));
        var output = new Speech.Collect<AudioFrame>();
        node.Process(new TextFrame(text), output);
        return output.Items.Sum(f => f.SamplesPerChannel);
    }
}
