using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using ServerEvents.Cluster;
using ServerEvents.Postgres.Batching;
using ServerEvents.Postgres.Connections;

namespace ServerEvents.Postgres.Sequences;

/// <summary>
/// Named counters in the <c>sequences</c> table, unique across every node. Reservations are group-committed per
/// node (<see cref="GroupCommitQueue{TItem, TResult}"/>): the waiting ones of each name are summed into one upsert,
/// so the counter's row lock, which a durable commit holds through its WAL flush, is taken once per batch rather
/// than once per message, and the block is handed out in the order the reservations were made. The value each key was
/// given is kept in <c>sequence_keys</c>.
/// </summary>
public sealed class PostgresSequenceStore : ISequenceStore, IAsyncDisposable
{
    private const int MaxBatch = 256;

    // Names in a fixed order, so two nodes' batches lock the rows in the same order and never deadlock.
    private const string ReserveSql = """
        INSERT INTO sequences (name, value)
        SELECT name, total FROM unnest($1::text[], $2::bigint[]) AS r(name, total) ORDER BY name
        ON CONFLICT (name) DO UPDATE SET value = sequences.value + excluded.value
        RETURNING name, value
        """;

    private const string FindKeySql = "SELECT value FROM sequence_keys WHERE name = $1 AND key = $2";

    // The reservation and the key's row commit together, so a value is never stored without being reserved. Nodes
    // that race for one key each reserve a value; the row that wins answers them all (the others' values stay unused).
    private const string ReserveKeySql = """
        WITH reserved AS (
            INSERT INTO sequences (name, value) VALUES ($1, 1)
            ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1
            RETURNING value
        )
        INSERT INTO sequence_keys (name, key, value) SELECT $1, $2, value FROM reserved
        ON CONFLICT (name, key) DO UPDATE SET value = sequence_keys.value
        RETURNING value
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly GroupCommitQueue<Reservation, long> _reservations;

    /// <summary>Creates the store.</summary>
    public PostgresSequenceStore(NpgsqlDataSource dataSource, IOptions<PostgresClusterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _reservations = new GroupCommitQueue<Reservation, long>(
            "The sequence store",
            ReserveBatchAsync,
            MaxBatch,
            options.Value);
    }

    /// <inheritdoc />
    public async ValueTask<long> ReserveAsync(string name, int count, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return await _reservations.EnqueueAsync(new Reservation(name, count), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<long> GetOrReserveAsync(string name, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(key);

        // A read first: a key already given a value must not queue on the sequence's single row.
        return await DatabaseFailure.RunAsync(
            async ct => await ScalarAsync(FindKeySql, name, key, ct).ConfigureAwait(false)
                ?? (await ScalarAsync(ReserveKeySql, name, key, ct).ConfigureAwait(false))!.Value,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<long?> ScalarAsync(string sql, string name, string key, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
    }

    /// <summary>Stops taking reservations and waits, within the shutdown timeout, for the queued ones.</summary>
    public ValueTask DisposeAsync() => _reservations.DisposeAsync();

    private async Task<long[]> ReserveBatchAsync(IReadOnlyList<Reservation> batch, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var reservation in batch)
        {
            totals[reservation.Name] = totals.GetValueOrDefault(reservation.Name) + reservation.Count;
        }

        await using var command = _dataSource.CreateCommand(ReserveSql);
        command.Parameters.Add(new NpgsqlParameter { Value = totals.Keys.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = totals.Values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint });

        // The next value to hand out for each name: the first of the block the batch reserved.
        var next = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                next[name] = reader.GetInt64(1) - totals[name] + 1;
            }
        }

        var firsts = new long[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var (name, count) = batch[i];
            firsts[i] = next.TryGetValue(name, out var first)
                ? first
                : throw new InvalidOperationException($"The sequence store did not reserve '{name}'.");
            next[name] = first + count;
        }

        return firsts;
    }

    private sealed record Reservation(string Name, int Count);
}
