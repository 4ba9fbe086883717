using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace ServerEvents.Testing;

/// <summary>
/// A real <c>src/Api</c> process (Release build), or another server assembly of this repository such as
/// <c>src/Silo</c>, started with the given environment and arguments: for tests of several nodes, of start-up
/// failures, and of how the process ends (SIGTERM, SIGKILL).
/// </summary>
/// <remarks>
/// The process binds the port itself (<see cref="AnyLoopbackPort"/>) and its address is read from what it reports
/// ("Now listening on: …", which ASP.NET Core logs once the server has bound), so no port is chosen here and released
/// before the process binds it, where another process on this busy machine could take it meanwhile.
/// </remarks>
public sealed partial class ApiProcess : IAsyncDisposable
{
    /// <summary>The <c>--urls</c> value that lets the process bind any free loopback port.</summary>
    public const string AnyLoopbackPort = "http://127.0.0.1:0";

    // The host logs the bound addresses under this category; the tests' "Warning" default would hide them.
    private const string LifetimeLogLevel = "Logging__LogLevel__Microsoft.Hosting.Lifetime";

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Stopwatch _started = Stopwatch.StartNew();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _disposed;

    private ApiProcess(ProcessStartInfo info)
    {
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Where the process listens, as it reported once it had bound (see <see cref="WaitUntilListeningAsync"/>).</summary>
    public Uri BaseAddress =>
        _listening.Task.IsCompletedSuccessfully
            ? _listening.Task.Result
            : throw new InvalidOperationException($"The process has not reported where it listens yet:\n{Output}");

    /// <summary>The operating system's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, once the process has ended.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>How long ago the process was started.</summary>
    public TimeSpan Elapsed => _started.Elapsed;

    /// <summary>What the process wrote so far, both streams (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The Api assembly: <c>SERVER_EVENTS_API_DLL</c>, or the Release build in this repository.</summary>
    public static string DllPath => AssemblyPath("SERVER_EVENTS_API_DLL", "Api", "ServerEvents.Api.dll");

    /// <summary>
    /// A server assembly: the path in <paramref name="variable"/>, or the Release build of <c>src/</c><paramref name="project"/>.
    /// </summary>
    public static string AssemblyPath(string variable, string project, string assembly)
    {
        var path = Environment.GetEnvironmentVariable(variable)
            ?? Path.Combine(RepositoryRoot(), "src", project, "bin", "Release", "net10.0", assembly);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run 'dotnet build -c Release src/{project}' first (scripts/test.sh does), or set {variable}.");
    }

    /// <summary>
    /// Starts the Api. Each entry of <paramref name="environment"/> is set in the process's environment, or removed
    /// from what it inherits when its value is null.
    /// </summary>
    public static ApiProcess Start(IReadOnlyDictionary<string, string?> environment, IEnumerable<string> arguments) =>
        Start(DllPath, environment, arguments);

    /// <summary>Starts the server assembly at <paramref name="assemblyPath"/>, as <see cref="Start(IReadOnlyDictionary{string, string?}, IEnumerable{string})"/> starts the Api.</summary>
    public static ApiProcess Start(string assemblyPath, IReadOnlyDictionary<string, string?> environment, IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(assemblyPath);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(assemblyPath);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment[LifetimeLogLevel] = "Information";
        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        return new ApiProcess(info);
    }

    /// <summary>Starts the Api (see <see cref="Start(IReadOnlyDictionary{string, string?}, IEnumerable{string})"/>) and waits until <paramref name="readyPath"/> answers 200.</summary>
    public static Task<ApiProcess> StartAsync(
        IReadOnlyDictionary<string, string?> environment, IEnumerable<string> arguments, string readyPath, TimeSpan timeout) =>
        StartAsync(DllPath, environment, arguments, readyPath, timeout);

    /// <summary>
    /// Starts the server assembly at <paramref name="assemblyPath"/>, waits until it reports where it listens and
    /// then until <paramref name="readyPath"/> answers 200 there.
    /// </summary>
    public static async Task<ApiProcess> StartAsync(
        string assemblyPath, IReadOnlyDictionary<string, string?> environment, IEnumerable<string> arguments, string readyPath, TimeSpan timeout)
    {
        var node = Start(assemblyPath, environment, arguments);
        try
        {
            // One stopwatch for both waits, so the timeout bounds the whole start.
            var waited = Stopwatch.StartNew();
            await node.WaitUntilListeningAsync(timeout).ConfigureAwait(false);
            await node.WaitUntilAnsweringAsync(readyPath, timeout - waited.Elapsed).ConfigureAwait(false);
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Waits until the process reports the address it bound and returns it; fails with the output if the process ends
    /// or the time runs out.
    /// </summary>
    public async Task<Uri> WaitUntilListeningAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var exited = _process.WaitForExitAsync(cts.Token);
        var first = await Task.WhenAny(_listening.Task, exited).ConfigureAwait(false);
        if (first == _listening.Task)
        {
            await cts.CancelAsync().ConfigureAwait(false);
            return await _listening.Task.ConfigureAwait(false);
        }

        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The node exited with {_process.ExitCode} before it listened:\n{Output}");
        }

        throw new TimeoutException($"The node did not report where it listens within {timeout}:\n{Output}");
    }

    /// <summary>Waits until <paramref name="path"/> answers 200; fails with the output if the process ends or the time runs out.</summary>
    private async Task WaitUntilAnsweringAsync(string path, TimeSpan timeout)
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        // A stopwatch, not the wall clock: this machine's clock is stepped while tests run.
        var waited = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The node exited with {_process.ExitCode} while starting:\n{Output}");
            }

            try
            {
                using var answer = await probe.GetAsync(path).ConfigureAwait(false);
                if (answer.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening or not answering yet.
            }

            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"/{path} did not answer 200 within {timeout}:\n{Output}");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>A client for this process, without cookies or a timeout (streams stay open).</summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Ends the process at once (SIGKILL): no graceful shutdown, no leave notices, no cleanup.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>Sends SIGTERM, as a container platform does when it stops a replica (<see cref="Kill"/> is SIGKILL).</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -TERM {_process.Id} failed with {kill.ExitCode}.");
        }
    }

    /// <summary>Waits for the process to exit; returns false when it is still running after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// A free loopback port (the OS picks it; it stays free until someone binds it), for what cannot bind port 0
    /// itself and report it: Orleans' silo and gateway ports, which a silo advertises before it binds them.
    /// </summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the process if it still runs; a second call does nothing (a test may stop a node its fixture also owns).</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return ValueTask.CompletedTask;
        }

        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (!_listening.Task.IsCompleted && ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(ClientAddress(match.Groups["address"].Value));
        }
    }

    /// <summary>The address a client uses for a bound address: a wildcard host (<c>[::]</c>, <c>0.0.0.0</c>, <c>+</c>, <c>*</c>) means loopback here.</summary>
    private static Uri ClientAddress(string bound)
    {
        var address = new UriBuilder(bound.Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal).Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal));
        if (address.Host is "[::]" or "0.0.0.0")
        {
            address.Host = "127.0.0.1";
        }

        address.Path = "/";
        return address.Uri;
    }

    [GeneratedRegex(@"Now listening on: (?<address>https?://[^\s""]+)")]
    private static partial Regex ListeningLine();

    /// <summary>The repository's root folder (the one holding <c>OrleansEvents.slnx</c>), found above the test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansEvents.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (OrleansEvents.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
