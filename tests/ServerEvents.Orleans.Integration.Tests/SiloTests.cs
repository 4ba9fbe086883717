using System.Net;
using Azure.Data.Tables;

namespace ServerEvents.Orleans.Integration.Tests;

/// <summary>The silo host on its own: clustering through Azure Table storage, readiness, and how it stops.</summary>
public sealed class SiloTests
{
    // Where Orleans keeps the membership of every cluster on the account, one partition per cluster id.
    private const string MembershipTable = "OrleansSiloInstances";

    [Fact]
    public async Task Two_silos_on_one_account_form_one_cluster_and_one_stopped_with_SIGTERM_exits_0_and_leaves_it()
    {
        await using var cluster = new OrleansTestCluster();
        var silos = await Task.WhenAll(cluster.StartSiloAsync(), cluster.StartSiloAsync());

        var members = await MembersAsync(cluster);
        Assert.Equal("Active", members[silos[0].SiloPort]);
        Assert.Equal("Active", members[silos[1].SiloPort]);

        silos[0].Process.Terminate();
        Assert.True(await silos[0].Process.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the silo was still running 30 s after SIGTERM");
        Assert.Equal(0, silos[0].Process.ExitCode);

        // A graceful stop writes the silo's own row as Dead, so the others need not detect it.
        Assert.Equal("Dead", (await MembersAsync(cluster))[silos[0].SiloPort]);
        using var probe = silos[1].Process.CreateClient();
        using var ready = await probe.GetAsync("health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public async Task Readiness_turns_unhealthy_while_storage_is_away_and_healthy_again_when_it_returns_while_liveness_stays_healthy()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var cluster = new OrleansTestCluster(azurite.ConnectionString);
        var silo = await cluster.StartSiloAsync();

        await azurite.HaltAsync();
        await OrleansTestCluster.WaitForStatusAsync(silo.Process, "health/ready", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(20));
        using (var client = silo.Process.CreateClient())
        using (var live = await client.GetAsync("health"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        await azurite.ResumeAsync();
        await OrleansTestCluster.WaitForStatusAsync(silo.Process, "health/ready", HttpStatusCode.OK, TimeSpan.FromSeconds(30));
    }

    /// <summary>The status of each silo of the cluster by its silo port, as the membership table records it.</summary>
    private static async Task<Dictionary<int, string>> MembersAsync(OrleansTestCluster cluster)
    {
        var table = new TableServiceClient(cluster.ConnectionString).GetTableClient(MembershipTable);
        var members = new Dictionary<int, string>();
        await foreach (var row in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {cluster.ClusterId}")))
        {
            if (row.GetString("Port") is { } port && row.GetString("Status") is { } status)
            {
                members[int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)] = status;
            }
        }

        return members;
    }
}
