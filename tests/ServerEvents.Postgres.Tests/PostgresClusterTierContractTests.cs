using ServerEvents.Cluster;

namespace ServerEvents.Postgres.Tests;

/// <summary>The cluster tier contract, against PostgreSQL: every test gets a fresh schema.</summary>
public sealed class PostgresClusterTierContractTests : ClusterTierContractTests
{
    protected override async Task<StartedClusterTier> StartTierAsync(EventLogRetention retention, TimeProvider time)
    {
        var schema = PostgresTestDatabase.NewSchemaName();
        var node = await PostgresNode.StartAsync(schema, retention, time);
        return new StartedClusterTier(node.Tier, node.NodeId, async () =>
        {
            await node.DisposeAsync();
            await PostgresTestDatabase.DropSchemaAsync(schema);
        });
    }
}
