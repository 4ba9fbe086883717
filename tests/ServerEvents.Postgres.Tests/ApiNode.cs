namespace ServerEvents.Postgres.Tests;

/// <summary>
/// Front-end processes (<c>src/Api</c>) on the PostgreSQL tier, each on a loopback port it binds itself, with short timings.
/// </summary>
public static class ApiNode
{
    // Generous: with several nodes starting at once on a loaded machine, one has taken over 40 s to bind its port.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The settings every test node gets: the tier on <paramref name="schema"/> and short timings.</summary>
    public static Dictionary<string, string?> Settings(string schema, string? connectionString = null) => new()
    {
        ["ServerEvents__Cluster__Provider"] = "Postgres",
        ["ConnectionStrings__Postgres"] = connectionString ?? PostgresTestDatabase.ConnectionString,
        ["ServerEvents__Cluster__Postgres__SchemaName"] = schema,
        ["ServerEvents__Cluster__Postgres__NodeRenewInterval"] = "00:00:01",
        ["ServerEvents__Cluster__Postgres__NodeTimeout"] = "00:00:05",
        ["ServerEvents__Cluster__Postgres__ReconnectDelay"] = "00:00:00.100",
        ["ServerEvents__Cluster__Postgres__MaxReconnectDelay"] = "00:00:01",
        ["ServerEvents__Cluster__Postgres__StartupTimeout"] = "00:00:10",
        ["ServerEvents__Cluster__Postgres__HealthCheckTimeout"] = "00:00:01",
        ["ServerEvents__IdleTimeout"] = "00:00:03",
        ["ServerEvents__HeartbeatInterval"] = "00:00:01",
        ["ServerEvents__ExpirySweepInterval"] = "00:00:00.250",
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>Starts a node and waits until it answers <c>/health</c>.</summary>
    public static Task<ApiProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        return ApiProcess.StartAsync(settings, Arguments, "health", StartTimeout);
    }

    /// <summary>Runs a node that is expected to fail to start; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunUntilExitAsync(IReadOnlyDictionary<string, string?> settings, TimeSpan timeout)
    {
        await using var node = ApiProcess.Start(settings, Arguments);
        if (!await node.WaitForExitAsync(timeout))
        {
            throw new TimeoutException($"The node was still running after {timeout}:\n{node.Output}");
        }

        return (node.ExitCode, node.Output, node.Elapsed);
    }

    private static string[] Arguments => ["--urls", ApiProcess.AnyLoopbackPort];
}
