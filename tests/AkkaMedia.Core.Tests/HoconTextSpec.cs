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
}
