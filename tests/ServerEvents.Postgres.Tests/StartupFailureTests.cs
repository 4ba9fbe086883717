using Npgsql;

namespace ServerEvents.Postgres.Tests;

/// <summary>A node that cannot use its database says why and stops, instead of hanging or serving without it.</summary>
public sealed class StartupFailureTests
{
    [Fact]
    public async Task A_malformed_connection_string_stops_the_process_with_a_message_naming_it()
    {
        var settings = ApiNode.Settings("unused", "Hots=127.0.0.1;Database=x");

        var (exitCode, output, _) = await ApiNode.RunUntilExitAsync(settings, TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("ConnectionStrings:Postgres is not a valid PostgreSQL connection string", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_stops_the_process_within_the_startup_timeout_with_a_message()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ConnectionString) { Port = ApiProcess.FreePort(), Timeout = 2 }.ConnectionString;
        var settings = ApiNode.Settings("unused", unreachable);
        settings["ServerEvents__Cluster__Postgres__StartupTimeout"] = "00:00:03";

        var (exitCode, output, elapsed) = await ApiNode.RunUntilExitAsync(settings, TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("The PostgreSQL cluster tier cannot start", output, StringComparison.Ordinal);
        Assert.Contains("did not answer within 3 s", output, StringComparison.Ordinal);
        Assert.True(elapsed < TimeSpan.FromSeconds(20), $"it took {elapsed} to give up");
    }

    [Fact]
    public async Task A_wrong_password_fails_start_up_at_once_without_retrying()
    {
        var wrong = new NpgsqlConnectionStringBuilder(PostgresTestDatabase.ConnectionString) { Password = "not-the-password" }.ConnectionString;
        using var host = PostgresNode.Build(PostgresTestDatabase.NewSchemaName(), connectionString: wrong);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("refused the connection (28P01", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_connection_string_fails_start_up_with_what_to_set()
    {
        using var host = PostgresNode.Build(PostgresTestDatabase.NewSchemaName(), connectionString: string.Empty);

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("set ConnectionStrings:Postgres", error.Message, StringComparison.Ordinal);
    }
}
