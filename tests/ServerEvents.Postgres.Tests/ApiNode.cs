using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ServerEvents.Postgres.Tests;

/// <summary>
/// A real front-end process (<c>src/Api</c>, Release build) using the PostgreSQL tier, on a free loopback port,
/// with short timings.
/// </summary>
public sealed class ApiNode : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private ApiNode(Process process, StringBuilder output, Uri baseAddress)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What the process wrote so far (for failure messages).</summary>
    private string Output
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
    public static string DllPath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("SERVER_EVENTS_API_DLL")
                ?? Path.Combine(RepositoryRoot(), "src", "Api", "bin", "Release", "net10.0", "ServerEvents.Api.dll");
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"{path} is missing: run 'dotnet build -c Release src/Api' first (scripts/test.sh does), or set SERVER_EVENTS_API_DLL.");
        }
    }

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
    public static async Task<ApiNode> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}/");
        var (process, output) = Launch(settings, baseAddress);
        var node = new ApiNode(process, output, baseAddress);
        using var probe = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The node exited with {process.ExitCode} while starting:\n{node.Output}");
            }

            try
            {
                using var health = await probe.GetAsync("health");
                if (health.IsSuccessStatusCode)
                {
                    return node;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                await node.DisposeAsync();
                throw new TimeoutException($"The node did not become healthy within {StartTimeout}:\n{node.Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Runs a node that is expected to fail to start; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, TimeSpan Elapsed)> RunUntilExitAsync(IReadOnlyDictionary<string, string?> settings, TimeSpan timeout)
    {
        var started = Stopwatch.StartNew();
        var (process, output) = Launch(settings, new Uri($"http://127.0.0.1:{FreePort()}/"));
        using (process)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"The node was still running after {timeout}:\n{output}");
            }

            lock (output)
            {
                return (process.ExitCode, output.ToString(), started.Elapsed);
            }
        }
    }

    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Ends the process at once (SIGKILL): no graceful shutdown, no leave notices, no cleanup.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static (Process Process, StringBuilder Output) Launch(IReadOnlyDictionary<string, string?> settings, Uri baseAddress)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in settings)
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, output);
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ServerEvents.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (ServerEvents.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
