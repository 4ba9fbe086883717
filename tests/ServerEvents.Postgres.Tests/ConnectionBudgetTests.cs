using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Npgsql;

namespace ServerEvents.Postgres.Tests;

/// <summary>
/// A node's connection budget: when its pool is exhausted, or PostgreSQL refuses further connections
/// (<c>53300 too many clients</c>), stream opens and chat posts are answered 503 with <c>Retry-After</c>, never 500;
/// what was acknowledged is delivered, and the node serves again once connections are free.
/// </summary>
public sealed class ConnectionBudgetTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private readonly TestSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _schema.DisposeAsync();

    [Fact]
    public async Task A_node_whose_pool_is_exhausted_answers_503_with_Retry_After_and_recovers_without_losing_what_it_acknowledged()
    {
        // Two connections: the fan-out's LISTEN and one for the work, which a blocked read then holds.
        var settings = Settings(_schema.Name, PostgresTestDatabase.ConnectionString);
        settings["ServerEvents__Cluster__Postgres__MaxPoolSize"] = "2";
        var node = _schema.Own(await ApiNode.StartAsync(settings));
        using var client = SessionClient(node);
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=budget", heartbeat: false);
        var acknowledged = new List<string>();
        Assert.Equal(HttpStatusCode.OK, await PostAsync(client, stream, "before", acknowledged));

        Task<HttpResponseMessage> blocked;
        await using (var locker = await LockSubscriptionsAsync(PostgresTestDatabase.ConnectionString, _schema.Name))
        {
            // A read of the locked table, or the node's expiry sweep, holds the node's only work connection.
            blocked = client.GetAsync("event-subscribers?channels=budget");
            await locker.WaitUntilSomethingIsBlockedAsync();

            await AssertRefusedAsync(node, () => client.GetAsync("event-stream?channels=budget", HttpCompletionOption.ResponseHeadersRead));
            await AssertRefusedAsync(node, () => client.PostAsJsonAsync("channels/budget/chat", new { from = stream.SubscriptionId, message = "refused" }));
        }

        // Which waiting call held the connection (this read or the node's expiry sweep) is up to timing: the read is
        // answered either way, with the list or with a refusal.
        using (var answered = await blocked.WaitAsync(Deadline))
        {
            Assert.True(
                answered.StatusCode == HttpStatusCode.OK || (answered.StatusCode == HttpStatusCode.ServiceUnavailable && answered.Headers.RetryAfter is not null),
                $"The blocked read was answered {answered.StatusCode}.");
        }

        await AssertRecoversAsync(client, stream, acknowledged);
    }

    [Fact]
    public async Task A_node_refused_by_a_full_server_answers_503_with_Retry_After_and_recovers_without_losing_what_it_acknowledged()
    {
        // 12 connections of which PostgreSQL keeps 3 for superusers: the node gets what the test leaves it.
        await using var server = await PostgresServer.StartAsync("--max-connections", "12");
        var settings = Settings(PostgresTestDatabase.NewSchemaName(), server.ConnectionString);
        settings["ServerEvents__Cluster__Postgres__MaxPoolSize"] = "8";
        await using var node = await ApiNode.StartAsync(settings);
        using var client = SessionClient(node);
        await using var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=budget", heartbeat: false);
        var acknowledged = new List<string>();
        Assert.Equal(HttpStatusCode.OK, await PostAsync(client, stream, "before", acknowledged));

        await using (var fillers = new ServerFill(server.ConnectionString))
        {
            // Every connection the node had is ended and every free one is the test's: it must connect anew and is refused.
            await fillers.TakeEverythingFromAsync("server-events%");

            for (var i = 0; i < 3; i++)
            {
                await AssertRefusedAsync(node, () => client.GetAsync("event-stream?channels=budget", HttpCompletionOption.ResponseHeadersRead));
                await AssertRefusedAsync(node, () => client.PostAsJsonAsync("channels/budget/chat", new { from = stream.SubscriptionId, message = "refused" }));
            }
        }

        await AssertRecoversAsync(client, stream, acknowledged);
    }

    private static Dictionary<string, string?> Settings(string schema, string connectionString)
    {
        var settings = ApiNode.Settings(schema, connectionString);

        // No subscription may expire while heartbeats cannot be recorded, and refusals answer within seconds (the
        // timeout also bounds establishing a connection, which a loaded machine can stretch past one second).
        settings["ServerEvents__IdleTimeout"] = "00:01:00";
        settings["ServerEvents__HeartbeatInterval"] = "00:00:10";
        settings["ServerEvents__Cluster__Postgres__ConnectionTimeout"] = "00:00:03";
        settings["Chat__RateLimitPermits"] = "1000000";
        settings["RateLimits__PostsPerAddress__PermitLimit"] = "1000000";
        return settings;
    }

    /// <summary>A client with a session of its own: the chat takes posts only from a subscription of the caller's session.</summary>
    private static HttpClient SessionClient(ApiProcess node)
    {
        var client = node.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "ss-id=budget" + Guid.NewGuid().ToString("N"));
        return client;
    }

    /// <summary>A refusal is a 503 that says when to retry, never a 500 or a hang.</summary>
    private static async Task AssertRefusedAsync(ApiProcess node, Func<Task<HttpResponseMessage>> request)
    {
        using var response = await request().WaitAsync(Deadline);
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"Answered {response.StatusCode}, not 503. The node said:\n{node.Output}");
        Assert.NotNull(response.Headers.RetryAfter);
    }

    /// <summary>
    /// Once connections are free again, a new stream opens and a post is delivered to it and to the stream that stayed
    /// open throughout, which also has everything acknowledged before, in order.
    /// </summary>
    private static async Task AssertRecoversAsync(HttpClient client, EventStreamReader stream, List<string> acknowledged)
    {
        var clock = Stopwatch.StartNew();
        EventStreamReader? reopened = null;
        while (reopened is null)
        {
            try
            {
                reopened = await EventStreamReader.OpenAsync(client, "event-stream?channels=budget", heartbeat: false);
            }
            catch (HttpRequestException) when (clock.Elapsed < Deadline)
            {
                // Still refused (503): the pool is reconnecting. The client would wait Retry-After; a short pause will do.
                await Task.Delay(200);
            }
        }

        await using (reopened)
        {
            Assert.Equal(HttpStatusCode.OK, await PostAsync(client, reopened, "after", acknowledged));
            await reopened.WaitForAsync(f => f.Selector == "cmd.chat" && f.Body.Contains("\"after\"", StringComparison.Ordinal), Deadline);
        }

        await stream.WaitForAsync(f => f.Selector == "cmd.chat" && f.Body.Contains("\"after\"", StringComparison.Ordinal), Deadline);
        var delivered = stream.Received.Where(f => f.Selector == "cmd.chat").Select(f => f.Json.GetProperty("message").GetString()!).ToList();
        Assert.Equal(acknowledged, delivered);
    }

    private static async Task<HttpStatusCode> PostAsync(HttpClient client, EventStreamReader sender, string message, List<string> acknowledged)
    {
        using var response = await client.PostAsJsonAsync("channels/budget/chat", new { from = sender.SubscriptionId, message });
        if (response.IsSuccessStatusCode)
        {
            acknowledged.Add(message);
        }

        return response.StatusCode;
    }

    private static async Task<Locker> LockSubscriptionsAsync(string connectionString, string schema)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand($"""LOCK TABLE "{schema}".subscriptions IN ACCESS EXCLUSIVE MODE""", connection, transaction);
        await command.ExecuteNonQueryAsync();
        return new Locker(connection, transaction);
    }

    /// <summary>Holds a lock on the subscriptions table until disposed.</summary>
    private sealed class Locker(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async Task WaitUntilSomethingIsBlockedAsync()
        {
            var clock = Stopwatch.StartNew();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))", connection, transaction);
            command.Parameters.Add(new NpgsqlParameter { Value = connection.ProcessID });
            while ((long)(await command.ExecuteScalarAsync())! == 0)
            {
                Assert.True(clock.Elapsed < Deadline, "No request ever waited for the locked table.");
                await Task.Delay(20);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await connection.DisposeAsync();
        }
    }

    /// <summary>Connections the test holds so the server has none left for the node.</summary>
    private sealed class ServerFill(string connectionString) : IAsyncDisposable
    {
        private readonly List<NpgsqlConnection> _held = [];
        private readonly string _unpooled = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;

        /// <summary>
        /// Takes every connection a role like the node's may hold, ending the node's (the applications matching
        /// <paramref name="applicationNamePattern"/>) until the test holds them all. Holding all of them is what
        /// proves the node has none, whatever its connections are doing: a backend still exiting, or one the node is
        /// just opening, holds a slot before pg_stat_activity shows it and after it stops showing it.
        /// </summary>
        public async Task TakeEverythingFromAsync(string applicationNamePattern)
        {
            var clock = Stopwatch.StartNew();
            await FillAsync();
            var slots = await SlotsForOrdinaryRolesAsync();
            while (_held.Count < slots)
            {
                Assert.True(clock.Elapsed < Deadline, $"The test holds {_held.Count} of the {slots} connections; the node's were never all ended.");
                await TerminateAsync(applicationNamePattern);
                await Task.Delay(50);
                await FillAsync();
            }
        }

        /// <summary>The connections PostgreSQL lets roles without superuser hold in all: the test's and the node's.</summary>
        private async Task<int> SlotsForOrdinaryRolesAsync()
        {
            await using var command = new NpgsqlCommand(
                "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int",
                _held[0]);
            return (int)(await command.ExecuteScalarAsync())!;
        }

        /// <summary>Opens connections until PostgreSQL refuses one with 53300 (too many clients).</summary>
        private async Task FillAsync()
        {
            for (var i = 0; i < 100; i++)
            {
                var connection = new NpgsqlConnection(_unpooled);
                try
                {
                    await connection.OpenAsync();
                    _held.Add(connection);
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.TooManyConnections)
                {
                    await connection.DisposeAsync();
                    return;
                }
            }

            throw new InvalidOperationException("PostgreSQL never refused a connection.");
        }

        /// <summary>Ends the node's connections (a role may end its own sessions).</summary>
        private async Task TerminateAsync(string applicationNamePattern)
        {
            await using var command = new NpgsqlCommand(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name LIKE $1 AND pid <> pg_backend_pid()",
                _held[0]);
            command.Parameters.Add(new NpgsqlParameter { Value = applicationNamePattern });
            await command.ExecuteScalarAsync();
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var connection in _held)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
