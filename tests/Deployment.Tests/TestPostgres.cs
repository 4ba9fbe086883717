using Npgsql;

namespace Deployment.Tests;

/// <summary>
/// The PostgreSQL the process tests use, from <c>SERVER_EVENTS_TEST_POSTGRES</c> (set by <c>scripts/test.sh</c>
/// through <c>scripts/postgres.sh</c>), the same convention as tests/ServerEvents.Postgres.Tests.
/// </summary>
internal static class TestPostgres
{
    public const string ConnectionVariable = "SERVER_EVENTS_TEST_POSTGRES";

    /// <summary>The connection string; a missing variable fails the test with instructions rather than skipping it.</summary>
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ConnectionVariable} is not set, so the deployment tests that need PostgreSQL cannot run. Run scripts/test.sh, which starts a throw-away PostgreSQL, " +
                $"or start one yourself: eval \"$(scripts/postgres.sh start)\".");

    /// <summary>Runs one query and returns its first value.</summary>
    public static async Task<object?> ScalarAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteScalarAsync();
    }
}
