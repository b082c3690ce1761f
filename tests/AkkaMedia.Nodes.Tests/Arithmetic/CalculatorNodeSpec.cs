using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using AkkaMedia.Nodes.Arithmetic;
using AkkaMedia.Nodes.Tests.Contract;
using Xunit.Abstractions;

namespace AkkaMedia.Nodes.Tests.Arithmetic;

public sealed class CalculatorNodeSpec : NodeContractSpec<CalculatorRequest, CalculatorResult>
{
    public CalculatorNodeSpec(ITestOutputHelper output)
        : base(output)
    {
    }

    protected override Node<CalculatorRequest, CalculatorResult> CreateNode() => new CalculatorNode();

    protected override IReadOnlyList<CalculatorRequest> ValidInputs() =>
    [
        new(CalculatorOperation.Add, [1, 2]),
        new(CalculatorOperation.Multiply, [3, 4]),
    ];

    [Theory]
    [InlineData(CalculatorOperation.Add, new[] { 2.0, 3.0 }, 5.0)]
    [InlineData(CalculatorOperation.Add, new[] { 1.5, 2.5, -1.0, 7.0 }, 10.0)]
    [InlineData(CalculatorOperation.Add, new[] { 42.0 }, 42.0)]
    [InlineData(CalculatorOperation.Multiply, new[] { 2.0, 3.0, 4.0 }, 24.0)]
    [InlineData(CalculatorOperation.Subtract, new[] { 10.0, 3.0, 2.0 }, 5.0)]
    [InlineData(CalculatorOperation.Divide, new[] { 100.0, 5.0, 2.0 }, 10.0)]
    [InlineData(CalculatorOperation.Divide, new[] { 1.0, 4.0 }, 0.25)]
    [InlineData(CalculatorOperation.Power, new[] { 2.0, 10.0 }, 1024.0)]
    [InlineData(CalculatorOperation.Power, new[] { 2.0, 3.0, 2.0 }, 64.0)]
    [InlineData(CalculatorOperation.Power, new[] { 9.0, 0.5 }, 3.0)]
    [InlineData(CalculatorOperation.Modulo, new[] { 17.0, 5.0 }, 2.0)]
    [InlineData(CalculatorOperation.Modulo, new[] { -7.0, 3.0 }, 2.0)]
    [InlineData(CalculatorOperation.Modulo, new[] { 7.0, -3.0 }, -2.0)]
    [InlineData(CalculatorOperation.Modulo, new[] { 100.0, 7.0, 4.0 }, 2.0)]
    public void Calculator_must_compute(CalculatorOperation operation, double[] arguments, double expected)
    {
        var result = CalculatorNode.Calculate(new CalculatorRequest(operation, arguments));

        Assert.Null(result.Error);
        Assert.True(result.Succeeded);
        Assert.Equal(expected, result.Value);
        Assert.Equal(operation, result.Operation);
        Assert.Equal(arguments, result.Arguments);
    }

    [Theory]
    [InlineData(CalculatorOperation.Divide, new[] { 1.0, 0.0 }, "Division by zero")]
    [InlineData(CalculatorOperation.Divide, new[] { 8.0, 2.0, 0.0 }, "Division by zero (argument 2)")]
    [InlineData(CalculatorOperation.Modulo, new[] { 5.0, 0.0 }, "Modulo by zero")]
    [InlineData(CalculatorOperation.Add, new double[0], "at least 1 argument")]
    [InlineData(CalculatorOperation.Subtract, new[] { 5.0 }, "at least 2 arguments but got 1")]
    [InlineData(CalculatorOperation.Power, new[] { 2.0 }, "at least 2 arguments")]
    [InlineData(CalculatorOperation.Power, new[] { 10.0, 400.0 }, "no finite result")]
    [InlineData(CalculatorOperation.Power, new[] { -8.0, 0.5 }, "no finite result")]
    public void Calculator_must_answer_an_impossible_request_with_an_error(CalculatorOperation operation, double[] arguments, string error)
    {
        var result = CalculatorNode.Calculate(new CalculatorRequest(operation, arguments));

        Assert.Null(result.Value);
        Assert.False(result.Succeeded);
        Assert.Contains(error, result.Error);
    }

    [Fact]
    public async Task An_error_must_not_stop_the_stream()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var results = await Source.From(
                [
                    new CalculatorRequest(CalculatorOperation.Add, [2, 3]),
                    new CalculatorRequest(CalculatorOperation.Divide, [1, 0]),
                    new CalculatorRequest(CalculatorOperation.Power, [2, 10]),
                ])
                .Via(new CalculatorNode().AsFlow())
                .RunWith(Sink.Seq<CalculatorResult>(), Materializer);

            Assert.Equal([5.0, null, 1024.0], results.Select(r => r.Value));
            Assert.NotNull(results[1].Error);
        }, Materializer);
    }
}
