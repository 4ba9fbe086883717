using ServerEvents.History;

namespace ServerEvents.Postgres.Tests;

/// <summary>Chat history in PostgreSQL: the embedded store's behaviour, and durability across restarts of every node.</summary>
public sealed class PostgresChatHistoryStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Noon = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly string _schema = PostgresTestDatabase.NewSchemaName();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => PostgresTestDatabase.DropSchemaAsync(_schema);

    [Fact]
    public async Task History_returns_the_newest_messages_of_the_asked_channels_oldest_first()
    {
        await using var node = await PostgresNode.StartAsync(_schema);
        foreach (var (id, channel) in new[] { (1L, "home"), (2L, "work"), (3L, "home"), (4L, "other"), (5L, "home") })
        {
            await node.History.AppendAsync(Message(id, channel));
        }

        await node.History.AppendAsync(Message(6, "home") with { Private = true, ToUserId = "7" });

        Assert.Equal([3L, 5, 6], (await node.History.GetAsync(["home"], 0, 3)).Select(m => m.Id));
        Assert.Equal([2L, 3, 5, 6], (await node.History.GetAsync(["home", "work"], 1, 10)).Select(m => m.Id));
        var stored = (await node.History.GetAsync(["home"], 5, 10)).Single();
        Assert.Equal(Message(6, "home") with { Private = true, ToUserId = "7" }, stored);
        Assert.Equal(4, await node.History.ClearAsync("home"));
        Assert.Empty(await node.History.GetAsync(["home"], 0, 10));
    }

    [Fact]
    public async Task Each_channel_keeps_only_its_newest_messages()
    {
        await using var node = await PostgresNode.StartAsync(_schema, settings: new Dictionary<string, string?> { ["ServerEvents:ChatHistoryPerChannel"] = "3" });
        for (var id = 1; id <= 6; id++)
        {
            await node.History.AppendAsync(Message(id, "home"));
        }

        await node.History.AppendAsync(Message(7, "work"));

        Assert.Equal([4L, 5, 6], (await node.History.GetAsync(["home"], 0, 100)).Select(m => m.Id));
        Assert.Equal([7L], (await node.History.GetAsync(["work"], 0, 100)).Select(m => m.Id));
    }

    [Fact]
    public async Task History_survives_restarting_every_node()
    {
        await using (var first = await PostgresNode.StartAsync(_schema))
        await using (var second = await PostgresNode.StartAsync(_schema))
        {
            await first.History.AppendAsync(Message(1, "home"));
            await second.History.AppendAsync(Message(2, "home"));
        }

        await using var restarted = await PostgresNode.StartAsync(_schema);

        Assert.Equal([Message(1, "home"), Message(2, "home")], await restarted.History.GetAsync(["home"], 0, 10));
    }

    private static ChatMessage Message(long id, string channel) =>
        new(id, channel, "-1", "user1", "User One", $"message {id}", false, Noon.AddSeconds(id));
}
