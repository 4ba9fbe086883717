using System.Net.Http.Headers;
using System.Text.Json;

namespace ServerEvents.Api.Tests.Admin;

/// <summary>
/// Two front-ends on the PostgreSQL tier: each publishes its own snapshot to the admin channel, so a dashboard
/// connected to one node sees both, told apart by node id.
/// </summary>
public sealed class AdminClusterTests
{
    private const string PostgresVariable = "SERVER_EVENTS_TEST_POSTGRES";

    [Fact]
    public async Task A_dashboard_on_one_node_receives_every_nodes_snapshot()
    {
        var connectionString = Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{PostgresVariable} is not set: run scripts/test.sh, or eval \"$(scripts/postgres.sh start)\" first.");
        await using var github = await StandInGitHub.StartAsync(id: 7, login: "alice", name: "alice");
        var settings = github.Settings(new Dictionary<string, string?>
        {
            ["Auth:Administrators:0"] = "github:7",
            ["ServerEvents:Cluster:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = connectionString,
            ["ServerEvents:Cluster:Postgres:SchemaName"] = $"admin_{Guid.NewGuid():N}",
        });
        await using var first = await ChatServer.StartAsync(settings);
        await using var second = await ChatServer.StartAsync(settings);

        using var admin = first.CreateClient();
        admin.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using (var page = await admin.GetAsync("auth/github?returnUrl=%2Fadmin"))
        {
            page.EnsureSuccessStatusCode();
        }

        using var user = second.CreateClient();
        await using var member = await EventStreamReader.OpenAsync(user, "event-stream?channels=home");
        await using var dashboard = await EventStreamReader.OpenAsync(admin, "event-stream?channels=admin:dashboard");

        // Each node counts its own streams: the dashboard's on the first, the member's on the second.
        var latest = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        await dashboard.WaitForAsync(frame =>
        {
            if (frame.FullSelector == "admin:dashboard@cmd.adminSnapshot")
            {
                latest[frame.Json.GetProperty("node").GetString()!] = frame.Json;
            }

            return latest.Count == 2 && latest.Values.All(s => s.GetProperty("statistics").GetProperty("openConnections").GetInt64() == 1);
        });

        Assert.All(latest.Values, snapshot =>
        {
            Assert.Equal("Postgres", snapshot.GetProperty("tier").GetString());
            var channels = snapshot.GetProperty("channels").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("members").GetInt32()));
            Assert.Equal([("admin:dashboard", 1), ("home", 1)], channels.Order());
        });
    }
}
