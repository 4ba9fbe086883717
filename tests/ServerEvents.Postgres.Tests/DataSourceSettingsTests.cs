using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ServerEvents.Postgres.Tests;

/// <summary>
/// The tier's data source prepares the statements it runs often and does not reset a connection between pool
/// checkouts (the tier leaves no session state on one), unless the connection string asks otherwise.
/// </summary>
public sealed class DataSourceSettingsTests : IAsyncLifetime
{
    private const string Statement = "SELECT count(*) FROM subscriptions WHERE user_id = $1";

    private readonly TestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_statement_run_often_is_prepared()
    {
        var dataSource = await StartNodeAsync(connectionString: null);
        await using var connection = await dataSource.OpenConnectionAsync();
        await RunOftenAsync(connection);
        Assert.True(await PreparedAsync(connection) > 0, "Npgsql did not prepare a statement run 10 times.");
    }

    [Fact]
    public async Task A_connection_goes_back_to_the_pool_without_a_reset()
    {
        var dataSource = await StartNodeAsync(connectionString: null);
        Assert.Equal("4321ms", await TimeoutAtNextCheckoutAsync(dataSource));
    }

    [Fact]
    public async Task A_connection_string_that_asks_for_no_preparing_and_the_reset_gets_both()
    {
        var dataSource = await StartNodeAsync(PostgresTestDatabase.ConnectionString + ";Max Auto Prepare=0;No Reset On Close=false");
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await RunOftenAsync(connection);
            Assert.Equal(0L, await PreparedAsync(connection));
        }

        Assert.NotEqual("4321ms", await TimeoutAtNextCheckoutAsync(dataSource));
    }

    // Sets a session setting on one connection, gives it back, and reads the setting when the pool hands that
    // connection out again (the pool hands out whichever idle connection is next; that one comes back within a few).
    private static async Task<string> TimeoutAtNextCheckoutAsync(NpgsqlDataSource dataSource)
    {
        int backend;
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using var set = new NpgsqlCommand("SET statement_timeout = 4321", connection);
            await set.ExecuteNonQueryAsync();
            backend = await BackendAsync(connection);
        }

        for (var attempt = 0; attempt < 50; attempt++)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            if (await BackendAsync(connection) == backend)
            {
                await using var show = new NpgsqlCommand("SHOW statement_timeout", connection);
                return (string)(await show.ExecuteScalarAsync())!;
            }
        }

        throw new InvalidOperationException("The pool never handed the same connection back.");
    }

    private async Task<NpgsqlDataSource> StartNodeAsync(string? connectionString)
    {
        var node = _schema.Own(await PostgresNode.StartAsync(_schema.Name, connectionString: connectionString));
        return node.Services.GetRequiredService<NpgsqlDataSource>();
    }

    private static async Task RunOftenAsync(NpgsqlConnection connection)
    {
        for (var i = 0; i < 10; i++)
        {
            await using var command = new NpgsqlCommand(Statement, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = "nobody" });
            Assert.Equal(0L, await command.ExecuteScalarAsync());
        }
    }

    private static async Task<int> BackendAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT pg_backend_pid()", connection);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<long> PreparedAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM subscriptions WHERE user_id%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
