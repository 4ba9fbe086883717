using System.Net.Http.Json;
using ServerEvents.Cluster;

namespace ServerEvents.Postgres.Tests;

/// <summary>Three front-end processes on one schema, plus the test process as a publishing node.</summary>
public sealed class ThreeNodeCluster : IAsyncLifetime
{
    private readonly TestSchema _schema = new();
    private ApiProcess[] _nodes = [];

    public string Schema => _schema.Name;

    public ApiProcess A => _nodes[0];

    public ApiProcess B => _nodes[1];

    public ApiProcess C => _nodes[2];

    /// <summary>The tier in the test process: one more node of the same cluster, used to publish.</summary>
    public PostgresNode Publisher { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // Started together, so their schema migrations race as they would in a real roll-out.
        _nodes = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ApiNode.StartAsync(ApiNode.Settings(Schema))));
        foreach (var node in _nodes)
        {
            _schema.Own(node);
        }

        Publisher = _schema.Own(await PostgresNode.StartAsync(Schema));
    }

    public async Task DisposeAsync() => await _schema.DisposeAsync();
}

/// <summary>Several stateless front-ends behave as one server.</summary>
public sealed class MultiNodeTests(ThreeNodeCluster cluster) : IClassFixture<ThreeNodeCluster>
{
    [Fact]
    public async Task A_client_on_one_node_hears_what_another_node_publishes()
    {
        var channel = NewChannel();
        using var clientA = cluster.A.CreateClient();
        using var clientB = cluster.B.CreateClient();
        await using var onA = await EventStreamReader.OpenAsync(clientA, "event-stream?channels=" + channel);

        // Node B publishes B's join notice; node A must deliver it.
        await using var onB = await EventStreamReader.OpenAsync(clientB, "event-stream?channels=" + channel);
        var join = await onA.WaitForAsync(f => f.FullSelector == channel + "@cmd.onJoin" && f.Info["userId"] == onB.Connect["userId"]);
        Assert.Equal(channel, join.Info["channels"]);

        // A message published by yet another node reaches both.
        await cluster.Publisher.Tier.Events.PublishAsync(new OutgoingEvent(new EventTarget(EventTargetKind.Channel, channel), channel + "@cmd.chat", "\"hello\""));
        Assert.Equal("\"hello\"", (await onA.WaitForAsync(channel + "@cmd.chat")).Body);
        Assert.Equal("\"hello\"", (await onB.WaitForAsync(channel + "@cmd.chat")).Body);

        // Unregistering through node B is carried out by whichever node owns the stream, and A hears the leave.
        using (var unregister = await clientB.PostAsync("event-unregister?id=" + onB.SubscriptionId, null))
        {
            unregister.EnsureSuccessStatusCode();
        }

        await onB.WaitForEndAsync();
        Assert.Equal(onB.Connect["userId"], (await onA.WaitForAsync(channel + "@cmd.onLeave")).Info["userId"]);
    }

    [Fact]
    public async Task Every_node_lists_every_nodes_subscribers()
    {
        var channel = NewChannel();
        await using var everyNode = new ClientsOnEveryNode(cluster);
        foreach (var client in everyNode.Clients)
        {
            await everyNode.OpenAsync(client, "event-stream?channels=" + channel);
        }

        var expected = everyNode.Streams.Select(s => s.Connect["userId"]).Order().ToList();
        foreach (var client in everyNode.Clients)
        {
            var listed = await client.GetFromJsonAsync<List<Dictionary<string, string>>>("event-subscribers?channels=" + channel);
            Assert.Equal(expected, listed!.Select(s => s["userId"]).Order());
        }
    }

    [Fact]
    public async Task Anonymous_users_on_different_nodes_never_share_a_number()
    {
        await using var everyNode = new ClientsOnEveryNode(cluster);
        for (var round = 0; round < 2; round++)
        {
            foreach (var client in everyNode.Clients)
            {
                await everyNode.OpenAsync(client, "event-stream?channels=" + NewChannel());
            }
        }

        // Cookieless clients: every stream is a new session, so a new anonymous user, numbered by the cluster tier
        // (AnonymousSessionAcrossNodesTests: one session is one number on every node).
        var userIds = everyNode.Streams.Select(s => s.Connect["userId"]).ToList();
        Assert.All(userIds, id => Assert.StartsWith("-", id, StringComparison.Ordinal));
        Assert.Equal(userIds.Count, userIds.Distinct().Count());
        var names = everyNode.Streams.Select(s => s.Connect["displayName"]).ToList();
        Assert.All(names, name => Assert.StartsWith("user", name, StringComparison.Ordinal));
        var numbers = names.Select(name => long.Parse(name["user".Length..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }

    [Fact]
    public async Task Heartbeats_sent_to_another_node_keep_a_subscription_alive_and_reach_its_stream()
    {
        var channel = NewChannel();
        using var clientA = cluster.A.CreateClient();
        using var clientB = cluster.B.CreateClient();
        using var clientC = cluster.C.CreateClient();
        await using var watcher = await EventStreamReader.OpenAsync(clientB, "event-stream?channels=" + channel);
        await using var kept = await EventStreamReader.OpenAsync(clientA, "event-stream?channels=" + channel, heartbeat: false);
        await using var watcherBeats = new Heartbeats(clientB, watcher.SubscriptionId, TimeSpan.FromMilliseconds(500));
        await using var keptBeats = new Heartbeats(clientC, kept.SubscriptionId, TimeSpan.FromMilliseconds(500));

        // A subscription opened after `kept` that never heartbeats: once its leave arrives, `kept` has also gone
        // longer than the idle timeout without a heartbeat to its own node.
        await using var silent = await EventStreamReader.OpenAsync(clientA, "event-stream?channels=" + channel, heartbeat: false);
        var leave = await watcher.WaitForAsync(f => f.FullSelector == channel + "@cmd.onLeave", TimeSpan.FromSeconds(20));

        Assert.Equal(silent.Connect["userId"], leave.Info["userId"]);
        var listed = await clientB.GetFromJsonAsync<List<Dictionary<string, string>>>("event-subscribers?channels=" + channel);
        Assert.Contains(listed!, s => s["userId"] == kept.Connect["userId"]);
        Assert.DoesNotContain(watcher.Received, f => f.Selector == "cmd.onLeave" && f.Info["userId"] == kept.Connect["userId"]);

        // Node A owns the stream, so it pushed the onHeartbeat for each heartbeat node C accepted.
        await kept.WaitForAsync(f => f.Selector == "cmd.onHeartbeat");
        Assert.True(keptBeats.Sent >= 4, $"only {keptBeats.Sent} heartbeats were sent");
    }

    [Fact]
    public async Task A_client_that_resumes_on_another_node_with_last_event_id_misses_nothing()
    {
        const int Total = 400;
        var channel = NewChannel();
        var target = new EventTarget(EventTargetKind.Channel, channel);
        using var clientA = cluster.A.CreateClient();
        using var clientB = cluster.B.CreateClient();
        var first = await EventStreamReader.OpenAsync(clientA, "event-stream?channels=" + channel);

        var publishing = Task.Run(async () =>
        {
            for (var n = 1; n <= Total; n++)
            {
                await cluster.Publisher.Tier.Events.PublishAsync(new OutgoingEvent(target, channel + "@cmd.n", n.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        });

        // Both streams heartbeat as a client would: a loaded machine can stretch the test past the 3 s idle timeout.
        await using (new Heartbeats(clientA, first.SubscriptionId, TimeSpan.FromMilliseconds(500)))
        {
            await first.WaitUntilAsync(() => Numbers(first.Received).Count >= 50);
        }

        await first.DisposeAsync();
        var beforeDrop = Numbers(first.Received);
        var cursor = first.Received[^1].Id;

        await using var second = await EventStreamReader.OpenAsync(clientB, "event-stream?channels=" + channel, cursor);
        await using var secondBeats = new Heartbeats(clientB, second.SubscriptionId, TimeSpan.FromMilliseconds(500));
        await publishing;
        await second.WaitUntilAsync(() => beforeDrop.Count + Numbers(second.Received).Count >= Total, TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(1, Total), beforeDrop.Concat(Numbers(second.Received)));
        Assert.DoesNotContain(second.Received, f => f.Selector == "cmd.onReplayGap");
        var ids = second.Received.Select(f => f.EventId).ToList();
        Assert.Equal(ids.Order().Distinct(), ids); // strictly increasing: sorted and never repeated
    }

    /// <summary>A client for each of the cluster's nodes and the streams a test opens through them, disposed together.</summary>
    private sealed class ClientsOnEveryNode(ThreeNodeCluster cluster) : IAsyncDisposable
    {
        public IReadOnlyList<HttpClient> Clients { get; } = [cluster.A.CreateClient(), cluster.B.CreateClient(), cluster.C.CreateClient()];

        public List<EventStreamReader> Streams { get; } = [];

        public async Task OpenAsync(HttpClient client, string path) => Streams.Add(await EventStreamReader.OpenAsync(client, path));

        public async ValueTask DisposeAsync()
        {
            foreach (var stream in Streams)
            {
                await stream.DisposeAsync();
            }

            foreach (var client in Clients)
            {
                client.Dispose();
            }
        }
    }

    private static string NewChannel() => "c" + Guid.NewGuid().ToString("N")[..12];

    internal static List<int> Numbers(IEnumerable<ServerEventFrame> frames) =>
        [.. frames.Where(f => f.Selector == "cmd.n").Select(f => int.Parse(f.Body, System.Globalization.CultureInfo.InvariantCulture))];
}
