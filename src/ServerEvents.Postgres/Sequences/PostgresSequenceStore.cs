using Npgsql;
using ServerEvents.Cluster;

namespace ServerEvents.Postgres.Sequences;

/// <summary>Named counters in the <c>sequences</c> table: one atomic upsert per reservation, unique across every node.</summary>
public sealed class PostgresSequenceStore(NpgsqlDataSource dataSource) : ISequenceStore
{
    private const string ReserveSql = """
        INSERT INTO sequences (name, value) VALUES ($1, $2)
        ON CONFLICT (name) DO UPDATE SET value = sequences.value + excluded.value
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
}
