using Microsoft.Extensions.Logging.Abstractions;
using ServerEvents.Cluster;
using ServerEvents.Cluster.Embedded;

namespace ServerEvents.Tests;

/// <summary>The cluster tier contract, against the in-process tier.</summary>
public sealed class EmbeddedClusterTierContractTests : ClusterTierContractTests
{
    protected override Task<StartedClusterTier> StartTierAsync(EventLogRetention retention, TimeProvider time)
    {
        var events = new InMemoryEventBus(retention, time, NullLogger<InMemoryEventBus>.Instance);
        var tier = new EmbeddedClusterTier(new InMemorySubscriptionDirectory(), new InMemorySequenceStore(), events);
        return Task.FromResult(new StartedClusterTier(tier, "embedded", () => ValueTask.CompletedTask));
    }
}
