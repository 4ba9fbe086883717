using Npgsql;

namespace ServerEvents.Postgres.Tests;

/// <summary>
/// The PostgreSQL the tests run against, from <c>SERVER_EVENTS_TEST_POSTGRES</c> (set by <c>scripts/test.sh</c>
/// through <c>scripts/postgres.sh</c>). Each tier under test gets a schema of its own, so tests never see each
/// other's rows or notifications. Nothing restarts this server: a test that needs a restart starts a server of its
/// own (<see cref="PostgresServer"/>).
/// </summary>
internal static class PostgresTestDatabase
{
    public const string ConnectionVariable = "SERVER_EVENTS_TEST_POSTGRES";

    // Unpooled, so no test inherits a connection another test's fault left broken.
    private static readonly Lazy<NpgsqlDataSource> Admin = new(() =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }));

    /// <summary>The connection string; a missing variable fails the test with instructions rather than skipping it.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ConnectionVariable} is not set, so the PostgreSQL tests cannot run. Run scripts/test.sh, which starts a throw-away PostgreSQL, " +
                $"or start one yourself: eval \"$(scripts/postgres.sh start)\".");

    /// <summary>A fresh, unused schema name.</summary>
    public static string NewSchemaName() => "t_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>Runs one statement as the test role.</summary>
    public static async Task<object?> ScalarAsync(string sql, params object[] parameters)
    {
        await using var command = Admin.Value.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteScalarAsync();
    }

    /// <summary>Drops a schema and everything in it.</summary>
    public static Task DropSchemaAsync(string schema) => ScalarAsync($"""DROP SCHEMA IF EXISTS "{schema}" CASCADE""");

    /// <summary>Ends the fan-out (LISTEN) connections of one schema's nodes, as a network failure would.</summary>
    public static async Task<long> TerminateListenersAsync(string schema) =>
        (long)(await ScalarAsync(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
            "server-events-listener " + schema))!;
}
