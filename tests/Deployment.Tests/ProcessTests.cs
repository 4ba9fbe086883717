namespace Deployment.Tests;

/// <summary>
/// The tests that start real Api processes run one at a time: they share the default schema of the test
/// PostgreSQL (as replicas of one Container App share their database) and their timing is part of what is tested.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTests
{
    public const string Name = "Api processes";
}
