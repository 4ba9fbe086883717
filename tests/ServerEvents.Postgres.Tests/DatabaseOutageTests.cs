using System.Net;
using Npgsql;
using ServerEvents.Cluster;

namespace ServerEvents.Postgres.Tests;

/// <summary>
/// The database restarts or goes away while nodes are serving streams. The restart happens on a server of the
/// test's own (<see cref="PostgresServer"/>) and the outage behind a proxy, so neither touches the server the other
/// tests share, and these run in parallel with them.
/// </summary>
public sealed class DatabaseOutageTests : IAsyncLifetime
{
    private readonly TestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task Restarting_PostgreSQL_mid_stream_loses_no_event_for_any_subscriber()
    {
        const int Total = 300;
        await using var server = await PostgresServer.StartAsync();
        var settings = ApiNode.Settings(_schema.Name, server.ConnectionString);

        // Long enough that no subscription expires while heartbeats cannot be recorded.
        settings["ServerEvents__IdleTimeout"] = "00:01:00";
        settings["ServerEvents__HeartbeatInterval"] = "00:00:10";
        await using var first = await ApiNode.StartAsync(settings);
        await using var second = await ApiNode.StartAsync(settings);
        ApiProcess[] nodes = [first, second];
        await using var publisher = await PostgresNode.StartAsync(_schema.Name, connectionString: server.ConnectionString);
        var clients = nodes.Select(n => n.CreateClient()).ToList();
        var streams = new List<EventStreamReader>();
        foreach (var client in clients.Concat(clients))
        {
            streams.Add(await EventStreamReader.OpenAsync(client, "event-stream?channels=feed"));
        }

        var target = new EventTarget(EventTargetKind.Channel, "feed");
        var restarted = new TaskCompletionSource();
        var publishing = Task.Run(async () =>
        {
            for (var n = 1; n <= Total; n++)
            {
                await PublishWithRetryAsync(publisher.Tier, new OutgoingEvent(target, "feed@cmd.n", n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                if (n == Total / 3)
                {
                    // Hold the rest back until the restart is under way, so it really is mid-stream.
                    await restarted.Task;
                }
            }
        });

        await streams[0].WaitUntilAsync(() => MultiNodeTests.Numbers(streams[0].Received).Count >= Total / 3);
        var restart = server.RestartAsync();
        restarted.SetResult();
        await restart;
        await publishing;

        foreach (var stream in streams)
        {
            await stream.WaitUntilAsync(() => MultiNodeTests.Numbers(stream.Received).Distinct().Count() >= Total, TimeSpan.FromSeconds(30));

            // A publish whose commit succeeded but whose answer was lost is retried, so one number may appear twice,
            // back to back; anything else (a gap, a reordering) is a lost or misordered event.
            var numbers = MultiNodeTests.Numbers(stream.Received);
            Assert.Equal(Enumerable.Range(1, Total), numbers.Where((n, i) => i == 0 || numbers[i - 1] != n));
            var ids = stream.Received.Select(f => f.EventId).ToList();
            Assert.Equal(ids.Order().Distinct(), ids); // strictly increasing: sorted and never repeated
        }

        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }

        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task Readiness_turns_unhealthy_while_the_database_is_away_and_recovers_after()
    {
        var server = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ConnectionString);
        await using var proxy = TcpProxy.Start(server.Host!, server.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ConnectionString) { Port = proxy.Port }.ConnectionString;
        var node = _schema.Own(await ApiNode.StartAsync(ApiNode.Settings(_schema.Name, throughProxy)));
        using var client = node.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(client));

        await proxy.CutAsync();
        await WaitForReadinessAsync(client, HttpStatusCode.ServiceUnavailable);

        proxy.Resume();
        await WaitForReadinessAsync(client, HttpStatusCode.OK);
    }

    private static async Task PublishWithRetryAsync(IClusterTier tier, OutgoingEvent outgoing)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                await tier.Events.PublishAsync(outgoing);
                return;
            }
            catch (ClusterBusyException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    private static async Task<HttpStatusCode> ReadinessAsync(HttpClient client)
    {
        using var response = await client.GetAsync("health/ready");
        return response.StatusCode;
    }

    private static async Task WaitForReadinessAsync(HttpClient client, HttpStatusCode expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (await ReadinessAsync(client) != expected)
        {
            Assert.True(DateTime.UtcNow < deadline, $"/health/ready did not answer {expected} in time");
            await Task.Delay(100);
        }
    }
}
