using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServerEvents.Postgres.Directory;
using ServerEvents.Subscriptions;

namespace ServerEvents.Postgres.Tests;

/// <summary>
/// One group commit of the directory as one batch of statements over arrays: every write has the effect, and gets
/// the answer, it would have had alone, in the order the writes were handed over.
/// </summary>
public sealed class DirectoryBatchWriterTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private readonly TestSchema _schema = new();
    private NpgsqlDataSource _dataSource = null!;
    private string _nodeId = null!;
    private DirectoryBatchWriter _writer = null!;

    public async Task InitializeAsync()
    {
        var node = _schema.Own(await PostgresNode.StartAsync(_schema.Name));
        _dataSource = node.Services.GetRequiredService<NpgsqlDataSource>();
        _nodeId = node.NodeId;
        _writer = new DirectoryBatchWriter(_dataSource, TimeSpan.FromMinutes(1));
    }

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task Many_adds_in_one_batch_store_every_row_with_its_own_channels_and_fields()
    {
        var subscriptions = Enumerable.Range(0, 50).Select(i => Subscription($"s{i}", Channels(i))).ToList();
        subscriptions.Add(Subscription("anonymous", ["lobby"]) with { UserName = null, SessionId = null, ProfileUrl = null, Meta = new Dictionary<string, string>() });

        var results = await _writer.WriteAsync([.. subscriptions.Select(s => DirectoryWrite.Add(s, Start))], CancellationToken.None);

        Assert.All(results, Assert.Null);
        var stored = await ReadAllAsync();
        Assert.Equal(subscriptions.Count, stored.Count);
        foreach (var expected in subscriptions)
        {
            var row = stored[expected.Id];
            Assert.Equal(expected.Channels, row.Channels);
            Assert.Equal(expected.UserId, row.UserId);
            Assert.Equal(expected.UserName, row.UserName);
            Assert.Equal(expected.DisplayName, row.DisplayName);
            Assert.Equal(expected.SessionId, row.SessionId);
            Assert.Equal(expected.ProfileUrl, row.ProfileUrl);
            Assert.Equal(expected.IsAuthenticated, row.IsAuthenticated);
            Assert.Equal(expected.CreatedAt, row.CreatedAt);
            Assert.Equal(expected.Meta, row.Meta);
        }
    }

    [Fact]
    public async Task Mixed_writes_in_one_batch_apply_in_order_and_each_gets_its_own_answer()
    {
        await _writer.WriteAsync([DirectoryWrite.Add(Subscription("kept", ["a"]), Start), DirectoryWrite.Add(Subscription("gone", ["b"]), Start)], CancellationToken.None);

        var results = await _writer.WriteAsync(
            [
                DirectoryWrite.Pulse("kept", Start.AddSeconds(10)),
                DirectoryWrite.Remove("gone"),
                DirectoryWrite.Remove("gone"),          // the second removal of a row finds it gone
                DirectoryWrite.Pulse("gone", Start.AddSeconds(10)),
                DirectoryWrite.Add(Subscription("new", ["c", "d"]), Start),
                DirectoryWrite.Add(Subscription("new", ["e"]), Start),   // a repeated add replaces the row
                DirectoryWrite.Remove("never"),
                DirectoryWrite.Pulse("new", Start.AddSeconds(20)),
            ],
            CancellationToken.None);

        Assert.Equal("kept", results[0]?.Id);
        Assert.Equal(["b"], results[1]?.Channels);
        Assert.Null(results[2]);
        Assert.Null(results[3]);
        Assert.Null(results[4]);
        Assert.Null(results[5]);
        Assert.Null(results[6]);
        Assert.Equal(["e"], results[7]?.Channels);

        var stored = await ReadAllAsync();
        Assert.Equal(["kept", "new"], stored.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["e"], stored["new"].Channels);
        Assert.Equal(Start.AddSeconds(10), await LastPulseAsync("kept"));
        Assert.Equal(Start.AddSeconds(20), await LastPulseAsync("new"));
    }

    [Fact]
    public async Task A_pulse_of_a_subscription_whose_node_is_gone_is_refused_beside_one_that_is_taken()
    {
        await _writer.WriteAsync(
            [DirectoryWrite.Add(Subscription("live", ["a"]), Start), DirectoryWrite.Add(Subscription("orphan", ["a"]) with { NodeId = "a-node-that-stopped" }, Start)],
            CancellationToken.None);

        var results = await _writer.WriteAsync([DirectoryWrite.Pulse("orphan", Start.AddSeconds(5)), DirectoryWrite.Pulse("live", Start.AddSeconds(5))], CancellationToken.None);

        Assert.Null(results[0]);
        Assert.Equal("live", results[1]?.Id);
        Assert.Equal(Start, await LastPulseAsync("orphan"));
    }

    private static string[] Channels(int i) => (i % 3) switch
    {
        0 => [$"room-{i}"],
        1 => [$"room-{i}", "lobby", "ünïcode-ch"],
        _ => [],
    };

    private SubscriptionInfo Subscription(string id, IReadOnlyList<string> channels) => new()
    {
        Id = id,
        NodeId = _nodeId,
        Channels = channels,
        UserId = "user-" + id,
        UserName = "name-" + id,
        DisplayName = "Display " + id,
        SessionId = "session-" + id,
        ProfileUrl = "https://example.test/" + id,
        IsAuthenticated = id.Length % 2 == 0,
        CreatedAt = Start.AddMilliseconds(id.Length),
        Meta = new Dictionary<string, string> { ["k"] = "v-" + id },
    };

    private async Task<Dictionary<string, SubscriptionInfo>> ReadAllAsync()
    {
        await using var command = _dataSource.CreateCommand($"SELECT {SubscriptionRow.Columns} FROM subscriptions");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, SubscriptionInfo>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            var row = SubscriptionRow.Read(reader);
            rows[row.Id] = row;
        }

        return rows;
    }

    private async Task<DateTimeOffset> LastPulseAsync(string id)
    {
        await using var command = _dataSource.CreateCommand("SELECT last_pulse FROM subscriptions WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return reader.GetFieldValue<DateTimeOffset>(0);
    }
}
