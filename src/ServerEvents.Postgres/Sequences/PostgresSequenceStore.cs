using Npgsql;
using ServerEvents.Cluster;

namespace ServerEvents.Postgres.Sequences;

/// <summary>Named counters in the <c>sequences</c> table: one atomic upsert per value, unique across every node.</summary>
public sealed class PostgresSequenceStore(NpgsqlDataSource dataSource) : ISequenceStore
{
    private const string NextSql = """
        INSERT INTO sequences (name, value) VALUES ($1, 1)
        ON CONFLICT (name) DO UPDATE SET value = sequences.value + 1
        RETURNING value
        """;

    /// <inheritdoc />
    public async ValueTask<long> NextAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await using var command = dataSource.CreateCommand(NextSql);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }
}
