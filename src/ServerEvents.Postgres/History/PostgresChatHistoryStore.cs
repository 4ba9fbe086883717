using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using ServerEvents.Hosting;
using ServerEvents.History;
using ServerEvents.Postgres.Batching;
using ServerEvents.Postgres.Connections;

namespace ServerEvents.Postgres.History;

/// <summary>
/// Chat history in the <c>chat_messages</c> table: it survives restarts of every node, and each channel keeps its
/// newest <see cref="ServerEventsOptions.ChatHistoryPerChannel"/> messages. Appends are group-committed per node
/// (<see cref="GroupCommitQueue{TItem, TResult}"/>): the messages waiting go in one transaction with one WAL flush,
/// and each channel they touched is capped once.
/// </summary>
public sealed class PostgresChatHistoryStore : IChatHistoryStore, IAsyncDisposable
{
    private const int MaxBatch = 256;

    // A retried append (the first attempt's answer was lost) must not fail on its own earlier insert.
    private const string AppendSql = """
        INSERT INTO chat_messages (id, channel, from_user_id, from_name, display_name, message, private, to_user_id, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string CapSql = """
        DELETE FROM chat_messages
        WHERE channel = $1 AND id <= (SELECT id FROM chat_messages WHERE channel = $1 ORDER BY id DESC OFFSET $2 LIMIT 1)
        """;

    private const string GetSql = """
        SELECT id, channel, from_user_id, from_name, display_name, message, private, to_user_id, created_at
        FROM (
            SELECT * FROM chat_messages WHERE channel = ANY($1) AND id > $2 ORDER BY id DESC LIMIT $3
        ) newest
        ORDER BY id
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly IOptionsMonitor<ServerEventsOptions> _options;
    private readonly GroupCommitQueue<ChatMessage, bool> _appends;

    /// <summary>Creates the store.</summary>
    public PostgresChatHistoryStore(NpgsqlDataSource dataSource, IOptionsMonitor<ServerEventsOptions> options, IOptions<PostgresClusterOptions> clusterOptions)
    {
        ArgumentNullException.ThrowIfNull(clusterOptions);
        _dataSource = dataSource;
        _options = options;
        _appends = new GroupCommitQueue<ChatMessage, bool>(
            "The chat history",
            AppendBatchAsync,
            MaxBatch,
            clusterOptions.Value);
    }

    /// <inheritdoc />
    public async ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _appends.EnqueueAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops taking messages and waits, within the shutdown timeout, for the queued ones.</summary>
    public ValueTask DisposeAsync() => _appends.DisposeAsync();

    private async Task<bool[]> AppendBatchAsync(IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        await using var batch = _dataSource.CreateBatch();
        foreach (var message in messages)
        {
            batch.BatchCommands.Add(Append(message));
        }

        var perChannel = (long)_options.CurrentValue.ChatHistoryPerChannel;
        foreach (var channel in messages.Select(m => m.Channel).Distinct(StringComparer.Ordinal))
        {
            var cap = new NpgsqlBatchCommand(CapSql);
            cap.Parameters.Add(new NpgsqlParameter { Value = channel });
            cap.Parameters.Add(new NpgsqlParameter { Value = perChannel });
            batch.BatchCommands.Add(cap);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return new bool[messages.Count];
    }

    private static NpgsqlBatchCommand Append(ChatMessage message)
    {
        var append = new NpgsqlBatchCommand(AppendSql);
        append.Parameters.Add(new NpgsqlParameter { Value = message.Id });
        append.Parameters.Add(new NpgsqlParameter { Value = message.Channel });
        append.Parameters.Add(new NpgsqlParameter { Value = message.FromUserId });
        append.Parameters.Add(new NpgsqlParameter { Value = message.FromName });
        append.Parameters.Add(new NpgsqlParameter { Value = message.DisplayName });
        append.Parameters.Add(new NpgsqlParameter { Value = message.Message });
        append.Parameters.Add(new NpgsqlParameter { Value = message.Private });
        append.Parameters.Add(new NpgsqlParameter { Value = (object?)message.ToUserId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        append.Parameters.Add(new NpgsqlParameter { Value = message.CreatedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return append;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ChatMessage>> GetAsync(IReadOnlyCollection<string> channels, long afterId, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return await DatabaseFailure.RunAsync(token => GetCoreAsync(channels, afterId, take, token), cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<ChatMessage>> GetCoreAsync(IReadOnlyCollection<string> channels, long afterId, int take, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(GetSql);
        command.Parameters.Add(new NpgsqlParameter { Value = channels.Distinct().ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = afterId });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)Math.Max(take, 0) });

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var messages = new List<ChatMessage>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            messages.Add(new ChatMessage(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                reader.GetString(5),
                reader.GetBoolean(6),
                reader.GetFieldValue<DateTimeOffset>(8))
            {
                ToUserId = reader.IsDBNull(7) ? null : reader.GetString(7),
            });
        }

        return messages;
    }

    /// <inheritdoc />
    public ValueTask<int> ClearAsync(string channel, CancellationToken cancellationToken = default) =>
        DatabaseFailure.RunAsync(
            async token =>
            {
                await using var command = _dataSource.CreateCommand("DELETE FROM chat_messages WHERE channel = $1");
                command.Parameters.Add(new NpgsqlParameter { Value = channel });
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            cancellationToken);
}
