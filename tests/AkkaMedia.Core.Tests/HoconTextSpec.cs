using Akka.Configuration;

namespace AkkaMedia.Core.Tests;

public sealed class HoconTextSpec
{
    [Theory]
    [InlineData("a {\n b = 1\n c = [1, 2\n}\n", "line 3", "'['")]
    [InlineData("a {\n  b = 1\n", "line 1", "never closed")]
    [InlineData("a = }\n", "line 1", "'a' has no value")]
    [InlineData("pipeline {\n  stages = [\n    { type = Echo, delay = }\n  ]\n}", "line 3", "'delay' has no value")]
    [InlineData("a = \"open\nb = 2", "line 1", "string")]
    [InlineData("a = 1\n}\n", "line 2", "closes nothing")]
    [InlineData("a = 1\n{b{t=[{y=${a}ote = true}]\nb=t}}", "line 2", "'=' in a value after a substitution")]
    [InlineData("a {\n  b = 1\n  c\n}", "line 3", "key 'c' has no value")]
    [InlineData("a = [{ b = 1, c }]", "line 1", "key 'c' has no value")]
    public void Malformed_text_must_be_reported_with_origin_line_and_key(string text, string line, string detail)
    {
        var error = Assert.Throws<FormatException>(() => HoconText.Parse(text, "pipeline.conf"));
        Assert.Contains("pipeline.conf", error.Message);
        Assert.Contains(line, error.Message);
        Assert.Contains(detail, error.Message);
    }

    [Theory]
    [InlineData("delay = 250ms, decay = 0.5")]
    [InlineData("a { b = \"x: y = z\", c = [1, 2, {d = 3}] } # comment = \n e = \"\"\"multi\nline\"\"\"\n")]
    [InlineData("seeds = [\"akka.tcp://media@127.0.0.1:4053\"]\n// trailing comment")]
    [InlineData("a = 1\nb = ${a}, c = ${a} ${?a}\"x = y\" # d = e\nf { g = ${a} }\nh = [${a}, {i = ${a}}]")]
    [InlineData("")]
    public void Well_formed_text_must_parse(string text)
    {
        var config = HoconText.Parse(text, "test");
        Assert.NotNull(config);
    }

    [Fact]
    public void Parsed_values_must_be_readable()
    {
        var config = HoconText.Parse("echo { delay = 250ms, decay = 0.5, tags = [a, b] }", "test");
        Assert.Equal(TimeSpan.FromMilliseconds(250), config.GetTimeSpan("echo.delay"));
        Assert.Equal(0.5f, config.GetFloat("echo.decay"));
        Assert.Equal(["a", "b"], config.GetStringList("echo.tags"));
    }

    [Fact]
    public void A_parse_that_does_not_finish_in_time_must_be_refused_naming_the_origin_and_then_refuse_all_while_its_thread_runs()
    {
        using var release = new ManualResetEventSlim();
        Config Stuck(string text)
        {
            release.Wait();
            return ConfigurationFactory.ParseString(text);
        }

        var before = HoconText.AbandonedParses;
        try
        {
            // The stand-in for Akka's parser looping forever: it returns only once released.
            var timedOut = Assert.Throws<FormatException>(() => HoconText.Parse("a = 1", "settings of node Hang", TimeSpan.FromMilliseconds(50), Stuck, maxAbandoned: before + 1));
            Assert.StartsWith("settings of node Hang: Akka's HOCON parser did not finish within 0.05 s", timedOut.Message);
            Assert.Contains("abandoned", timedOut.Message);
            Assert.Equal(before + 1, HoconText.AbandonedParses);

            // With as many abandoned threads running as allowed, nothing more is parsed.
            var refused = Assert.Throws<FormatException>(() => HoconText.Parse("b = 2", "pipeline.conf", TimeSpan.FromSeconds(10), ConfigurationFactory.ParseString, maxAbandoned: before + 1));
            Assert.StartsWith("pipeline.conf: not parsed:", refused.Message);
            Assert.Contains("Restart the process", refused.Message);
        }
        finally
        {
            release.Set();
        }

        // Once the abandoned parse ends it no longer counts.
        Assert.True(SpinWait.SpinUntil(() => HoconText.AbandonedParses == before, TimeSpan.FromSeconds(30)), "the abandoned parse was still counted after it ended");
        Assert.Equal(2, HoconText.Parse("b = 2", "pipeline.conf", TimeSpan.FromSeconds(10), ConfigurationFactory.ParseString, maxAbandoned: before + 1).GetInt("b"));
    }

    [Fact]
    public void A_parse_must_report_the_parsers_own_error_from_its_thread()
    {
        var error = Assert.Throws<FormatException>(
            () => HoconText.Parse("a = 1", "x.conf", TimeSpan.FromSeconds(10), _ => throw new InvalidOperationException("broken"), HoconText.MaxAbandonedParses));

        Assert.Equal("x.conf: not valid HOCON: broken", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }
}
