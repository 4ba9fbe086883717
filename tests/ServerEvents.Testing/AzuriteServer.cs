namespace ServerEvents.Testing;

/// <summary>
/// An Azurite storage emulator run by <c>scripts/azurite.sh</c>: the shared one <c>scripts/test.sh</c> starts
/// (<c>SERVER_EVENTS_TEST_AZURITE</c>), or a private one a test starts, halts and resumes on the same ports and data
/// to take storage away from the processes using it.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>The variable holding the shared emulator's connection string.</summary>
    public const string ConnectionVariable = "SERVER_EVENTS_TEST_AZURITE";

    private readonly string? _directory;

    private AzuriteServer(string connectionString, string? directory)
    {
        ConnectionString = connectionString;
        _directory = directory;
    }

    /// <summary>The storage connection string (<c>ConnectionStrings:AzureStorage</c>).</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// The connection string of the shared emulator; a missing variable fails the test with instructions rather than
    /// skipping it.
    /// </summary>
    public static string SharedConnectionString =>
        Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{ConnectionVariable} is not set, so the Orleans tests cannot run. Run scripts/test.sh, which starts a throw-away Azurite, " +
                "or start one yourself: eval \"$(scripts/azurite.sh start)\".");

    /// <summary>Starts a private emulator on free ports with a new data folder (installing Azurite when missing).</summary>
    public static async Task<AzuriteServer> StartAsync()
    {
        var exports = await RunScriptAsync("start").ConfigureAwait(false);
        var values = Script.Exports(exports);
        return new AzuriteServer(values[ConnectionVariable], values["SERVER_EVENTS_TEST_AZURITE_DIR"]);
    }

    /// <summary>Stops the emulator and waits until its ports are free; its data stays for <see cref="ResumeAsync"/>.</summary>
    public Task HaltAsync() => RunScriptAsync("halt", OwnDirectory);

    /// <summary>Starts the emulator again on the same ports with the same data, and waits until it listens.</summary>
    public Task ResumeAsync() => RunScriptAsync("resume", OwnDirectory);

    /// <summary>Stops a private emulator and deletes its data.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_directory is not null)
        {
            await RunScriptAsync("stop", _directory).ConfigureAwait(false);
        }
    }

    private string OwnDirectory => _directory ?? throw new InvalidOperationException("Only a private emulator (StartAsync) can be halted and resumed.");

    private static Task<string> RunScriptAsync(params string[] arguments) => Script.RunRepositoryScriptAsync("azurite.sh", arguments);
}
