using Npgsql;
using ServerEvents.Cluster;

namespace ServerEvents.Postgres.Sequences;

/// <summary>
/// Named counters in the <c>sequences</c> table: one atomic upsert per reservation, unique across every node. The
/// value each key was given is kept in <c>sequence_keys</c>.
/// </summary>
public sealed class PostgresSequenceStore(NpgsqlDataSource dataSource) : ISequenceStore
{
    private const string ReserveSql = """
        INSERT INTO sequences (name, value) VALUES ($1, $2)
        ON CONFLICT (name) DO UPDATE SET value = sequences.value + excluded.value
        RETURNING value
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

    /// <inheritdoc />
    public async ValueTask<long> ReserveAsync(string name, int count, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        await using var command = dataSource.CreateCommand(ReserveSql);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = (long)count });
        var last = (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        return last - count + 1;
    }

    /// <inheritdoc />
    public async ValueTask<long> GetOrReserveAsync(string name, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(key);

        // A read first: a key already given a value must not queue on the sequence's single row.
        return await ScalarAsync(FindKeySql, name, key, cancellationToken).ConfigureAwait(false)
            ?? (await ScalarAsync(ReserveKeySql, name, key, cancellationToken).ConfigureAwait(false))!.Value;
    }

    private async Task<long?> ScalarAsync(string sql, string name, string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
    }
}
