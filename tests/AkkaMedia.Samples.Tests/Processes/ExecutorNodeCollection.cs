namespace AkkaMedia.Samples.Tests.Processes;

/// <summary>The specs that run the code-shipping samples against <see cref="ExecutorNodeFixture"/>'s node, one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ExecutorNodeCollection : ICollectionFixture<ExecutorNodeFixture>
{
    public const string Name = "shipped code on an akkamedia node";
}
