using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Frames;
using AkkaMedia.Nodes.Tests.Contract;
using AkkaMedia.Nodes.Tests.General;
using AkkaMedia.Nodes.Text;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Text;

public sealed class TextProcessorNodeSpec : NodeContractSpec<TextFrame, TextProcessorResult>
{
    public TextProcessorNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<TextFrame, TextProcessorResult> CreateNode() =>
        new TextProcessorNode(TextOperation.WordCount, TextOperation.Uppercase);

    protected override IReadOnlyList<TextFrame> ValidInputs() => [new("hello world", 0), new("akka media", 1)];

    [Theory]
    [InlineData(TextOperation.WordCount, "The quick  brown\tfox\njumps", "5")]
    [InlineData(TextOperation.WordCount, "   ", "0")]
    [InlineData(TextOperation.TitleCase, "hello wORLD from  akka.NET", "Hello World From  Akka.net")]
    [InlineData(TextOperation.Reverse, "Hello, World", "dlroW ,olleH")]
    [InlineData(TextOperation.Reverse, "cafe\u0301 \U0001F600!", "!\U0001F600 e\u0301fac")]
    [InlineData(TextOperation.CharCount, "naïve \U0001F600", "7")]
    [InlineData(TextOperation.Uppercase, "Straße 9", "STRAßE 9")] // invariant casing has no one-to-two mappings
    [InlineData(TextOperation.Lowercase, "ÀKKA Media", "àkka media")]
    [InlineData(TextOperation.Trim, "  padded text \n", "padded text")]
    [InlineData(TextOperation.RemoveSpaces, " a b\tc\nd ", "abcd")]
    [InlineData(TextOperation.FirstWord, "  first second third", "first")]
    [InlineData(TextOperation.LastWord, "first second third  ", "third")]
    [InlineData(TextOperation.FirstWord, "", "")]
    [InlineData(TextOperation.LastWord, " ", "")]
    public void Operation_must_give_the_expected_text(TextOperation operation, string text, string expected)
    {
        var output = new ListOutput<TextProcessorResult>();
        new TextProcessorNode(operation).Process(new TextFrame(text, 5), output);

        var result = Assert.Single(output.Items);
        Assert.Equal(text, result.Input);
        Assert.Equal(5, result.Sequence);
        Assert.Equal(expected, Assert.Single(result.Results, r => r.Key == operation).Value);
    }

    [Fact]
    public async Task Processor_must_answer_every_frame_with_every_operation()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var results = await Source.From([new TextFrame("the cat sat", 0), new TextFrame("on the mat today", 1)])
                .Via(new TextProcessorNode(TextOperation.WordCount, TextOperation.TitleCase, TextOperation.LastWord, TextOperation.WordCount).AsFlow())
                .RunWith(Sink.Seq<TextProcessorResult>(), Materializer);

            Assert.Equal(2, results.Count);
            Assert.Equal(3, results[0].Results.Count);
            Assert.Equal("3", results[0].Results[TextOperation.WordCount]);
            Assert.Equal("The Cat Sat", results[0].Results[TextOperation.TitleCase]);
            Assert.Equal("4", results[1].Results[TextOperation.WordCount]);
            Assert.Equal("today", results[1].Results[TextOperation.LastWord]);
            Assert.Equal(1, results[1].Sequence);
        }, Materializer);
    }

    [Theory]
    [InlineData("word_count", TextOperation.WordCount)]
    [InlineData("title_case", TextOperation.TitleCase)]
    [InlineData("remove_spaces", TextOperation.RemoveSpaces)]
    [InlineData("first_word", TextOperation.FirstWord)]
    [InlineData("UPPERCASE", TextOperation.Uppercase)]
    [InlineData("CharCount", TextOperation.CharCount)]
    [InlineData(" last-word ", TextOperation.LastWord)]
    public void Configuration_names_must_parse_to_operations(string name, TextOperation expected)
    {
        Assert.True(TextProcessorNode.TryParseOperation(name, out var operation));
        Assert.Equal(expected, operation);
    }

    [Theory]
    [InlineData("shout")]
    [InlineData("4")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_configuration_names_must_not_parse(string? name) =>
        Assert.False(TextProcessorNode.TryParseOperation(name, out _));

    [Fact]
    public void Processor_must_refuse_an_empty_list_of_operations()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TextProcessorNode());
        Assert.Equal("operations", error.ParamName);
    }

    [Fact]
    public void Processor_must_refuse_an_undefined_operation()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TextProcessorNode(TextOperation.Trim, (TextOperation)42));
        Assert.Equal("operations", error.ParamName);
    }
}
