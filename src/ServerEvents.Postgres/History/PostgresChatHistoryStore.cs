using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using ServerEvents.Hosting;
using ServerEvents.History;

namespace ServerEvents.Postgres.History;

/// <summary>
/// Chat history in the <c>chat_messages</c> table: it survives restarts of every node, and each channel keeps its
/// newest <see cref="ServerEventsOptions.ChatHistoryPerChannel"/> messages.
/// </summary>
public sealed class PostgresChatHistoryStore(NpgsqlDataSource dataSource, IOptionsMonitor<ServerEventsOptions> options) : IChatHistoryStore
{
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

    /// <inheritdoc />
    public async ValueTask AppendAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var batch = dataSource.CreateBatch();
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
        batch.BatchCommands.Add(append);

        var cap = new NpgsqlBatchCommand(CapSql);
        cap.Parameters.Add(new NpgsqlParameter { Value = message.Channel });
        cap.Parameters.Add(new NpgsqlParameter { Value = (long)options.CurrentValue.ChatHistoryPerChannel });
        batch.BatchCommands.Add(cap);

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<ChatMessage>> GetAsync(IReadOnlyCollection<string> channels, long afterId, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(channels);
        await using var command = dataSource.CreateCommand(GetSql);
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
    public async ValueTask<int> ClearAsync(string channel, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM chat_messages WHERE channel = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = channel });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
