using System.Net.Http.Headers;
using System.Text.Json;

namespace ServerEvents.Api.Tests.Admin;

/// <summary>
/// The dashboard on the cluster tiers: two front-ends on PostgreSQL each publish their own snapshot, so a dashboard
/// connected to one node sees both, told apart by node id; a front-end on Orleans lists the silos.
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
            ["Logging:LogLevel:Default"] = "Warning",
        }).ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value);

        // Separate processes, as in production: each node its own meter, tier connection and node id.
        await using var first = await StartNodeAsync(settings);
        await using var second = await StartNodeAsync(settings);
        using var admin = Client(first.BaseAddress);
        admin.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using (var page = await admin.GetAsync("auth/github?returnUrl=%2Fadmin"))
        {
            page.EnsureSuccessStatusCode();
        }

        using var user = Client(second.BaseAddress);
        await using var member = await EventStreamReader.OpenAsync(user, "event-stream?channels=home");
        await using var dashboard = await EventStreamReader.OpenAsync(admin, "event-stream?channels=admin:dashboard");

        // Each node counts its own streams: the dashboard's on the first, the member's on the second.
        var latest = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        await dashboard.WaitForAsync(
            frame =>
            {
                if (frame.FullSelector == "admin:dashboard@cmd.adminSnapshot")
                {
                    latest[frame.Json.GetProperty("node").GetString()!] = frame.Json;
                }

                return latest.Count == 2 && latest.Values.All(s => s.GetProperty("statistics").GetProperty("openConnections").GetInt64() == 1);
            },
            TimeSpan.FromSeconds(60));

        Assert.All(latest.Values, snapshot =>
        {
            Assert.Equal("Postgres", snapshot.GetProperty("tier").GetString());
            var channels = snapshot.GetProperty("channels").EnumerateArray().Select(c => (c.GetProperty("name").GetString(), c.GetProperty("members").GetInt32()));
            Assert.Equal([("admin:dashboard", 1), ("home", 1)], channels.Order());
        });
    }

    [Fact]
    public async Task On_the_Orleans_tier_a_snapshot_lists_the_silos_from_the_membership_table()
    {
        var clusterId = "t" + Guid.NewGuid().ToString("N")[..16];
        await using var silo = await SiloProcess.StartAsync(
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__AzureStorage"] = AzuriteServer.SharedConnectionString,
                ["Orleans__ClusterId"] = clusterId,
                ["Orleans__ServiceId"] = clusterId,
                ["Logging__LogLevel__Default"] = "Warning",
            },
            TimeSpan.FromSeconds(120));
        await using var github = await StandInGitHub.StartAsync(id: 7, login: "alice", name: "alice");
        await using var server = await ChatServer.StartAsync(github.Settings(new Dictionary<string, string?>
        {
            ["Auth:Administrators:0"] = "github:7",
            ["ServerEvents:Cluster:Provider"] = "Orleans",
            ["ConnectionStrings:AzureStorage"] = AzuriteServer.SharedConnectionString,
            ["Orleans:ClusterId"] = clusterId,
            ["Orleans:ServiceId"] = clusterId,
        }));
        using var admin = await SignInAsAdministratorAsync(server);
        await using var dashboard = await EventStreamReader.OpenAsync(admin, "event-stream?channels=admin:dashboard");

        var frame = await dashboard.WaitForAsync("admin:dashboard@cmd.adminSnapshot", TimeSpan.FromSeconds(60));
        var snapshot = frame.Json;
        Assert.Equal("Orleans", snapshot.GetProperty("tier").GetString());
        var silos = snapshot.GetProperty("silos").EnumerateArray().ToList();
        var only = Assert.Single(silos);
        Assert.Equal("Active", only.GetProperty("status").GetString());
        Assert.Contains($"127.0.0.1:{silo.SiloPort}:", only.GetProperty("address").GetString(), StringComparison.Ordinal);
    }

    private static Task<ApiProcess> StartNodeAsync(Dictionary<string, string?> settings) =>
        ApiProcess.StartAsync(settings, ["--urls", "http://127.0.0.1:0"], "health/ready", TimeSpan.FromSeconds(120));

    private static HttpClient Client(Uri baseAddress) =>
        new(new SocketsHttpHandler { UseCookies = true, CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = true })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };

    private static async Task<HttpClient> SignInAsAdministratorAsync(ChatServer server)
    {
        var admin = server.CreateClient();
        admin.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        using var page = await admin.GetAsync("auth/github?returnUrl=%2Fadmin");
        page.EnsureSuccessStatusCode();
        return admin;
    }
}
