using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServerEvents.Testing;

/// <summary>
/// A real <c>src/Api</c> process (Release build), or another server assembly of this repository such as
/// <c>src/Silo</c>, started with the given environment and arguments: for tests of several nodes, of start-up
/// failures, and of how the process ends (SIGTERM, SIGKILL).
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Stopwatch _started = Stopwatch.StartNew();

    private ApiProcess(ProcessStartInfo info, Uri baseAddress)
    {
        BaseAddress = baseAddress;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Where the process listens.</summary>
    public Uri BaseAddress { get; }

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
    public static ApiProcess Start(IReadOnlyDictionary<string, string?> environment, IEnumerable<string> arguments, Uri baseAddress) =>
        Start(DllPath, environment, arguments, baseAddress);

    /// <summary>Starts the server assembly at <paramref name="assemblyPath"/>, as <see cref="Start(IReadOnlyDictionary{string, string?}, IEnumerable{string}, Uri)"/> starts the Api.</summary>
    public static ApiProcess Start(string assemblyPath, IReadOnlyDictionary<string, string?> environment, IEnumerable<string> arguments, Uri baseAddress)
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

        return new ApiProcess(info, baseAddress);
    }

    /// <summary>Starts the Api (see <see cref="Start"/>) and waits until <paramref name="readyPath"/> answers 200.</summary>
    public static Task<ApiProcess> StartAsync(
        IReadOnlyDictionary<string, string?> environment, IEnumerable<string> arguments, Uri baseAddress, string readyPath, TimeSpan timeout) =>
        StartAsync(DllPath, environment, arguments, baseAddress, readyPath, timeout);

    /// <summary>Starts the server assembly at <paramref name="assemblyPath"/> and waits until <paramref name="readyPath"/> answers 200.</summary>
    public static async Task<ApiProcess> StartAsync(
        string assemblyPath, IReadOnlyDictionary<string, string?> environment, IEnumerable<string> arguments, Uri baseAddress, string readyPath, TimeSpan timeout)
    {
        var node = Start(assemblyPath, environment, arguments, baseAddress);
        try
        {
            await node.WaitUntilAnsweringAsync(readyPath, timeout).ConfigureAwait(false);
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits until <paramref name="path"/> answers 200; fails with the output if the process ends or the time runs out.</summary>
    private async Task WaitUntilAnsweringAsync(string path, TimeSpan timeout)
    {
        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
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

            if (DateTime.UtcNow > deadline)
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

    /// <summary>A free loopback port (the OS picks it; it stays free until someone binds it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Kills the process if it still runs.</summary>
    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

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
