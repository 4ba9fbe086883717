using System.Net;

namespace ServerEvents.Orleans.Integration.Tests;

/// <summary>Azurite stops and starts again under a silo and a front-end (a private Azurite, so no other test sees it).</summary>
public sealed class StorageOutageTests
{
    [Fact]
    public async Task While_storage_is_away_readiness_is_unhealthy_and_publishes_answer_503_and_after_it_returns_nothing_acknowledged_is_lost()
    {
        const string Channel = "outage";
        await using var azurite = await AzuriteServer.StartAsync();
        await using var cluster = new OrleansTestCluster(azurite.ConnectionString);
        var silo = await cluster.StartSiloAsync();
        var frontEnd = await cluster.StartFrontEndAsync(new Dictionary<string, string?>
        {
            ["ServerEvents__IdleTimeout"] = "00:02:00",
            ["ServerEvents__HeartbeatInterval"] = "00:00:30",
        });
        await using var user = new ChatUser();
        var sender = await user.OpenAsync(frontEnd, Channel);
        var watcher = await user.OpenAsync(frontEnd, Channel);
        var acknowledged = new List<int>();
        for (var n = 1; n <= 5; n++)
        {
            Assert.Equal(HttpStatusCode.OK, await user.PostAsync(frontEnd, Channel, sender, n, TimeSpan.FromSeconds(60)));
            acknowledged.Add(n);
        }

        await azurite.HaltAsync();
        await OrleansTestCluster.WaitForStatusAsync(silo.Process, "health/ready", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        await OrleansTestCluster.WaitForStatusAsync(frontEnd, "health/ready", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(30));
        await OrleansTestCluster.WaitForStatusAsync(silo.Process, "health", HttpStatusCode.OK, TimeSpan.FromSeconds(5));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await user.PostAsync(frontEnd, Channel, sender, 6, TimeSpan.FromSeconds(90)));

        await azurite.ResumeAsync();
        await OrleansTestCluster.WaitForStatusAsync(silo.Process, "health/ready", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        await OrleansTestCluster.WaitForStatusAsync(frontEnd, "health/ready", HttpStatusCode.OK, TimeSpan.FromSeconds(60));
        // The first publishes after the return may still find a grain waiting out its storage retries; each attempt
        // gets a number of its own, so a retried one that was committed after all cannot pass for a duplicate.
        var answers = new List<(int Number, HttpStatusCode? Status)>();
        for (var n = 7; acknowledged.Count < 10 && answers.Count < 40; n++)
        {
            var status = await user.PostAsync(frontEnd, Channel, sender, n, TimeSpan.FromSeconds(60));
            answers.Add((n, status));
            if (status == HttpStatusCode.OK)
            {
                acknowledged.Add(n);
            }
        }

        Delivery.AssertOkOr503(answers);
        Assert.Equal(10, acknowledged.Count);
        await Delivery.AssertReceivedExactlyOnceInOrderAsync(watcher, acknowledged, TimeSpan.FromSeconds(60));
        Delivery.AssertInHistory(await user.HistoryAsync(frontEnd, Channel), acknowledged);
    }
}
