namespace ServerEvents.Testing;

/// <summary>
/// A PostgreSQL server of a test's own, started by <c>scripts/postgres.sh</c> (a new data directory on a free port),
/// for tests that restart the database: restarting the server every other test shares would break whatever they
/// are doing meanwhile, in this project or another one <c>dotnet test</c> runs in parallel.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _directory;
    private readonly string _restartScript;

    private PostgresServer(string connectionString, string restartScript, string directory)
    {
        ConnectionString = connectionString;
        _restartScript = restartScript;
        _directory = directory;
    }

    /// <summary>The Npgsql connection string (a role and database of its own, password authentication over TCP).</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Starts a new server (installing PostgreSQL when missing) and waits until it accepts connections;
    /// <paramref name="options"/> go to <c>scripts/postgres.sh start</c> (for example <c>--max-connections 12</c>).
    /// </summary>
    public static async Task<PostgresServer> StartAsync(params string[] options)
    {
        var values = Script.Exports(await Script.RunRepositoryScriptAsync("postgres.sh", ["start", .. options]).ConfigureAwait(false));
        return new PostgresServer(values["SERVER_EVENTS_TEST_POSTGRES"], values["SERVER_EVENTS_TEST_PGCTL"], values["SERVER_EVENTS_TEST_PGDIR"]);
    }

    /// <summary>Restarts the server as an operator would (<c>pg_ctl restart -m fast</c>: every session is ended) and waits until it is back.</summary>
    public Task RestartAsync() => Script.RunAsync(_restartScript);

    /// <summary>Stops the server and deletes its data.</summary>
    public async ValueTask DisposeAsync() =>
        await Script.RunRepositoryScriptAsync("postgres.sh", "stop", _directory).ConfigureAwait(false);
}
