using Akka.Configuration;
using AkkaMedia.Executor.Tests.Objects;
using Xunit.Abstractions;

namespace AkkaMedia.Executor.Tests.Admission;

/// <summary>An executor with <c>admission.require-role = code-shipper</c>, and a client member that has the role.</summary>
[Collection(UserCodeCollection.Name)]
public sealed class RoleAdmittedSpec : Akka.TestKit.Xunit2.TestKit, IClassFixture<ShipperOnlyExecutor>
{
    private readonly ShipperOnlyExecutor _executor;

    public RoleAdmittedSpec(ShipperOnlyExecutor executor, ITestOutputHelper output)
        : base(ConfigurationFactory.ParseString("akka.cluster.roles = [client, code-shipper]").WithFallback(executor.ClientConfig), "media", output)
    {
        _executor = executor;
        executor.WaitForExecutorAsync(Sys).GetAwaiter().GetResult();
    }

    [Fact]
    public async Task Executor_must_run_shipped_code_from_a_member_with_the_role()
    {
        await using var calculator = await RemoteHandle.DeployAsync(Sys, AdmissionCode.NewCalculator(), AdmissionCode.Interface);

        Assert.Equal(5, calculator.Call("Add", 5));
        Assert.Equal(_executor.Address, calculator.ExecutorAddress);
    }
}
