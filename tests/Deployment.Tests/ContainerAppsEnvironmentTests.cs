using System.Net;
using System.Net.Http.Json;

namespace Deployment.Tests;

/// <summary>The Api configured only as Container Apps configures it (infra/modules/api.bicep) serves and uses PostgreSQL.</summary>
[Collection(ProcessTests.Name)]
public sealed class ContainerAppsEnvironmentTests
{
    [Fact]
    public async Task With_only_the_container_environment_the_api_listens_on_the_given_port_and_keeps_its_subscriptions_in_postgres()
    {
        await using var first = await ContainerAppNode.StartAsync(ContainerAppNode.ContainerAppsEnvironment);
        await using var second = await ContainerAppNode.StartAsync(ContainerAppNode.ContainerAppsEnvironment);
        using var toFirst = first.CreateClient();
        using var toSecond = second.CreateClient();

        using (var ready = await toFirst.GetAsync("health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        var channel = "deploy" + Guid.NewGuid().ToString("N")[..12];
        await using var stream = await EventStreamReader.OpenAsync(toFirst, "event-stream?channels=" + channel);

        // The row is in the database the connection string names, in the default schema...
        var nodeId = await TestPostgres.ScalarAsync("SELECT node_id FROM server_events.subscriptions WHERE id = $1", stream.SubscriptionId);
        Assert.IsType<string>(nodeId);

        // ...so another replica of the same app lists it.
        var listed = await toSecond.GetFromJsonAsync<List<Dictionary<string, string>>>("event-subscribers?channels=" + channel);
        Assert.Equal([stream.Connect["userId"]], listed!.Select(s => s["userId"]));
    }
}
