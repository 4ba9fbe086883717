using Npgsql;
using NpgsqlTypes;
using ServerEvents.Postgres.Batching;

namespace ServerEvents.Postgres.Events;

/// <summary>
/// Appends this node's items to the event log in batches (<see cref="GroupCommitQueue{TItem, TResult}"/>): whatever
/// is waiting goes in one statement, with one bump of the head, one round trip and one WAL flush. Appends from many
/// requests at once would otherwise each take the head's row lock in turn, and PostgreSQL spent most of the
/// cluster's CPU on that (bench/RESULTS.md). Items are appended in the order they were handed over.
/// </summary>
internal sealed class EventLogAppender : IAsyncDisposable
{
    // A bound on one statement's size; more waiting items go in the next batch.
    private const int MaxBatch = 256;

    // Positions follow the head in the same statement, so they are in commit order with no holes, as for one
    // item; the notifications are sent in position order and delivered at commit.
    private const string AppendSql = """
        WITH head AS (
            UPDATE event_log_head SET position = position + cardinality($1::smallint[]) RETURNING position
        ), batch AS (
            SELECT head.position - cardinality($1::smallint[]) + b.ord AS position, b.kind, b.replayable, b.created_at, b.payload, b.inline
            FROM head, unnest($1::smallint[], $2::boolean[], $3::timestamptz[], $4::text[], $5::boolean[])
                WITH ORDINALITY AS b(kind, replayable, created_at, payload, inline, ord)
        ), appended AS (
            INSERT INTO event_log (position, kind, replayable, created_at, payload, size)
            SELECT position, kind, replayable, created_at, payload, octet_length(payload) FROM batch
        )
        SELECT n.position, pg_notify($6, CASE WHEN n.inline THEN n.position::text || ' ' || n.payload ELSE n.position::text END)
        FROM (SELECT position, payload, inline FROM batch ORDER BY position) n
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _channel;
    private readonly GroupCommitQueue<PendingAppend, long> _queue;

    public EventLogAppender(NpgsqlDataSource dataSource, PostgresClusterOptions options)
    {
        _dataSource = dataSource;
        _channel = options.EffectiveChannel;
        _queue = new GroupCommitQueue<PendingAppend, long>(
            "The event log",
            AppendBatchAsync,
            MaxBatch,
            options);
    }

    /// <summary>
    /// Appends one item; completes with its log position once the batch holding it has committed. When the queue is
    /// full the caller waits for room, and fails with <see cref="ClusterBusyException"/> after the queue timeout.
    /// A caller that gives up before its item is taken into a batch withdraws it: it is never appended.
    /// </summary>
    public Task<long> AppendAsync(LogEntry entry, CancellationToken cancellationToken) =>
        _queue.EnqueueAsync(new PendingAppend(entry, entry.Serialize()), cancellationToken);

    /// <summary>
    /// Stops taking items and waits up to the shutdown timeout for the queued ones to be appended; after that the
    /// statement in flight is cancelled and every item left fails, so shutdown never waits on a slow database.
    /// </summary>
    public ValueTask DisposeAsync() => _queue.DisposeAsync();

    private async Task<long[]> AppendBatchAsync(IReadOnlyList<PendingAppend> batch, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(AppendSql);
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => (short)p.Entry.Kind).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Smallint });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Entry.IsReplayable).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Entry.CreatedAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => p.Payload).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = batch.Select(p => LogEntry.FitsInline(p.Payload)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean });
        command.Parameters.Add(new NpgsqlParameter { Value = _channel, NpgsqlDbType = NpgsqlDbType.Text });

        var positions = new long[batch.Count];
        var read = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            positions[read++] = reader.GetInt64(0);
        }

        return read == batch.Count
            ? positions
            : throw new InvalidOperationException($"The event log appended {read} of {batch.Count} items.");
    }

    private sealed record PendingAppend(LogEntry Entry, string Payload);
}
