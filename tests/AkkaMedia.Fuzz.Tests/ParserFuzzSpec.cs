using CsCheck;
using Xunit;

namespace AkkaMedia.Fuzz.Tests;

/// <summary>
/// The short CI version of benchmarks/AkkaMedia.Fuzz: a few thousand CsCheck-generated inputs per parser of outside
/// bytes (mutations of valid encodings, and random bytes), each of which the parser must accept or refuse with its
/// documented exception, within the allocation and time limits of <see cref="FuzzCheck"/>. CsCheck prints the seed of a
/// failing input; the full run is described in docs/fuzzing.md.
/// </summary>
public sealed class ParserFuzzSpec(FuzzEnvironmentFixture fixture) : IClassFixture<FuzzEnvironmentFixture>
{
    private const int Inputs = 3000;

    public static TheoryData<string> Targets => ["frame", "protocol", "deployment", "object-session", "link", "admin", "edge", "twilio", "pipeline", "wav", "y4m"];

    [Theory]
    [MemberData(nameof(Targets))]
    public void Parser_must_accept_every_seed(string name)
    {
        var target = FuzzTargets.Named(fixture.Environment, name);
        Assert.NotEmpty(target.Seeds);
        foreach (var seed in target.Seeds)
        {
            var outcome = FuzzCheck.Run(target, seed, TimeSpan.FromSeconds(5));
            Assert.True(outcome.Exception is null || name == "admin", $"{name} refused its own seed {Convert.ToHexString(seed)}: {outcome.Exception}");
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Parser_must_refuse_mutated_and_random_input_only_with_its_documented_exception(string name)
    {
        var target = FuzzTargets.Named(fixture.Environment, name);
        var mutated = Gen.Int.Select(seed => Mutator.Next(new Random(seed), target.Seeds, target.Tokens));
        var random = Gen.Byte.Array[0, 512];
        Gen.Frequency((4, mutated), (1, random)).Sample(
            input =>
            {
                var outcome = FuzzCheck.Run(target, input, TimeSpan.FromSeconds(2));
                return outcome.Problem is null;
            },
            iter: Inputs,
            threads: 1,
            print: input => $"{input.Length} bytes: {Convert.ToHexString(input)}");
    }
}
