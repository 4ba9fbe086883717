using ServerEvents.Cluster;

namespace ServerEvents.Orleans.Tests;

/// <summary>The cluster tier contract, against the Orleans tier on an in-process cluster: every test gets its own scope.</summary>
[Collection(OrleansClusterCollection.Name)]
public sealed class OrleansClusterTierContractTests(OrleansTestCluster cluster) : ClusterTierContractTests
{
    protected override async Task<StartedClusterTier> StartTierAsync(EventLogRetention retention, TimeProvider time)
    {
        var node = await OrleansTierNode.StartAsync(cluster, OrleansTierNode.NewScope(), retention, time);
        return new StartedClusterTier(node.Tier, node.NodeId, node.DisposeAsync);
    }
}

/// <summary>
/// The same contract with the log handing publishes to the stream before committing them: every guarantee the tiers
/// share holds either way.
/// </summary>
[Collection(OrleansClusterCollection.Name)]
public sealed class OrleansClusterTierFanOutBeforeCommitContractTests(OrleansTestCluster cluster) : ClusterTierContractTests
{
    protected override async Task<StartedClusterTier> StartTierAsync(EventLogRetention retention, TimeProvider time)
    {
        var settings = new Dictionary<string, string?> { ["ServerEvents:Cluster:Orleans:FanOut"] = "BeforeCommit" };
        var node = await OrleansTierNode.StartAsync(cluster, OrleansTierNode.NewScope(), retention, time, settings);
        return new StartedClusterTier(node.Tier, node.NodeId, node.DisposeAsync);
    }
}

/// <summary>
/// The same contract with the log's batches reaching the front-ends through grain observers instead of the stream
/// (<see cref="FanOutTransport.Observers"/>). The stream loses everything it carries for these tiers, and the silence
/// that would make a front-end read the log instead is longer than any test waits: only the observers deliver.
/// </summary>
[Collection(OrleansClusterCollection.Name)]
public sealed class OrleansClusterTierObserversContractTests(OrleansTestCluster cluster) : ClusterTierContractTests
{
    protected override async Task<StartedClusterTier> StartTierAsync(EventLogRetention retention, TimeProvider time)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ServerEvents:Cluster:Orleans:FanOutTransport"] = "Observers",
            ["ServerEvents:Cluster:Orleans:StreamSilenceTimeout"] = "00:01:00",
        };
        var scope = OrleansTierNode.NewScope();
        var lostStream = LossyFanOut.Lose(scope, _ => true, FanOutTransport.Streams);
        var node = await OrleansTierNode.StartAsync(cluster, scope, retention, time, settings);
        return new StartedClusterTier(node.Tier, node.NodeId, async () =>
        {
            await node.DisposeAsync();
            lostStream.Dispose();
        });
    }
}
