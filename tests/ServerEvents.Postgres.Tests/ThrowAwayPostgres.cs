using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ServerEvents.Postgres.Tests;

/// <summary>
/// A PostgreSQL of a test's own, started by <c>scripts/postgres.sh</c> with options the shared one does not have
/// (a low <c>max_connections</c>), and deleted when disposed.
/// </summary>
internal sealed partial class ThrowAwayPostgres : IAsyncDisposable
{
    private readonly string _directory;

    private ThrowAwayPostgres(string connectionString, string directory)
    {
        ConnectionString = connectionString;
        _directory = directory;
    }

    /// <summary>The Npgsql connection string of the server's test database and role.</summary>
    public string ConnectionString { get; }

    /// <summary>Starts a server that accepts at most <paramref name="maxConnections"/> connections (superusers' included).</summary>
    public static async Task<ThrowAwayPostgres> StartAsync(int maxConnections)
    {
        var (exitCode, output) = await RunScriptAsync("start", "--max-connections", maxConnections.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var exports = Export().Matches(output).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        if (exitCode != 0 || !exports.TryGetValue("SERVER_EVENTS_TEST_POSTGRES", out var connectionString) || !exports.TryGetValue("SERVER_EVENTS_TEST_PGDIR", out var directory))
        {
            throw new InvalidOperationException($"scripts/postgres.sh start failed ({exitCode}):\n{output}");
        }

        return new ThrowAwayPostgres(connectionString, directory);
    }

    public async ValueTask DisposeAsync() => await RunScriptAsync("stop", _directory);

    private static async Task<(int ExitCode, string Output)> RunScriptAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ApiProcess.RepositoryRoot(),
        };
        start.ArgumentList.Add("scripts/postgres.sh");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }

    [GeneratedRegex("^export ([A-Z_]+)='([^']*)'$", RegexOptions.Multiline)]
    private static partial Regex Export();
}
