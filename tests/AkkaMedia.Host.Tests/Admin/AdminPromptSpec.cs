using AkkaMedia.Host.Admin;

namespace AkkaMedia.Host.Tests.Admin;

public sealed class AdminPromptSpec : IClassFixture<AdminClusterFixture>
{
    private readonly AdminClusterFixture _fixture;

    public AdminPromptSpec(AdminClusterFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData("", "cluster,actor,log,media,help,history,exit")]
    [InlineData("cl", "cluster")]
    [InlineData("h", "help,history")]
    [InlineData("cluster d", "down,down-unreachable")]
    [InlineData("media s", "sessions,state")]
    [InlineData("media se", "sessions")]
    [InlineData("nope s", "")]
    [InlineData("cluster down x", "")]
    public void Tab_must_complete_palette_then_command_names(string line, string expected)
    {
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), AdminPrompt.Complete(line));
    }

    [Fact]
    public async Task Prompt_on_redirected_input_must_run_each_line_and_keep_a_history()
    {
        var input = new StringReader("help\n\nmedia nodes\nmedia executors\nhistory\nexit\ncluster show\n");
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        var exit = await AdminPrompt.RunAsync("127.0.0.1", _fixture.Port, null, input, terminal: false, stdout, stderr, CancellationToken.None);

        Assert.Equal(0, exit);
        var text = stdout.ToString();
        Assert.Contains("actor hierarchy [--depth N]", text);
        Assert.Contains("Echo ", text);
        Assert.Contains(_fixture.Cluster.ExecutorAddress + "  Up  sessions", text);
        Assert.Contains("   1  help\n   2  media nodes\n   3  media executors\n   4  history\n", text.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("member(s)", text);
        Assert.Empty(stderr.ToString());
    }

    [Fact]
    public async Task Prompt_on_redirected_input_must_end_with_the_exit_code_of_the_last_command()
    {
        var stderr = new StringWriter();

        var exit = await AdminPrompt.RunAsync("127.0.0.1", _fixture.Port, null, new StringReader("cluster leader\nbogus\n"), terminal: false, new StringWriter(), stderr, CancellationToken.None);

        Assert.Equal(1, exit);
        Assert.Contains("Unknown palette 'bogus'", stderr.ToString());
    }
}
