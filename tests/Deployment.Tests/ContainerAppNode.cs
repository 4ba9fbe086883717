using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Deployment.Tests;

/// <summary>
/// A real <c>src/Api</c> process configured the way Azure Container Apps configures a replica: environment
/// variables only (the port in <c>ASPNETCORE_HTTP_PORTS</c>, no <c>--urls</c>), stopped with SIGTERM as the
/// platform stops a replica.
/// </summary>
internal sealed class ContainerAppNode : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);

    private readonly Process _process;
    private readonly StringBuilder _output;

    private ContainerAppNode(Process process, StringBuilder output, Uri baseAddress)
    {
        _process = process;
        _output = output;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the process wrote so far (for failure messages).</summary>
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
    public static string DllPath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("SERVER_EVENTS_API_DLL")
                ?? Repository.PathOf("src/Api/bin/Release/net10.0/ServerEvents.Api.dll");
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"{path} is missing: run 'dotnet build -c Release src/Api' first (scripts/test.sh does), or set SERVER_EVENTS_API_DLL.");
        }
    }

    /// <summary>
    /// The environment infra/modules/api.bicep gives the container (the connection string comes from the
    /// <c>postgres-connection</c> secret there), with the port chosen here.
    /// </summary>
    public static Dictionary<string, string> ContainerAppsEnvironment(int port) => new()
    {
        ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["ConnectionStrings__Postgres"] = TestPostgres.ConnectionString,
        ["ServerEvents__Cluster__Provider"] = "Postgres",
    };

    /// <summary>Starts a node with <paramref name="environment"/> and waits until <c>/health/ready</c> answers 200.</summary>
    public static async Task<ContainerAppNode> StartAsync(Func<int, Dictionary<string, string>> environment)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(DllPath);

        // Only what the container would have: nothing inherited may pick the port instead of ASPNETCORE_HTTP_PORTS.
        foreach (var inherited in new[] { "ASPNETCORE_URLS", "URLS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "ConnectionStrings__Postgres", "ServerEvents__Cluster__Provider" })
        {
            info.Environment.Remove(inherited);
        }

        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment(port))
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

        var node = new ContainerAppNode(process, output, new Uri($"http://127.0.0.1:{port}/"));
        using var probe = new HttpClient { BaseAddress = node.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The node exited with {process.ExitCode} while starting:\n{node.Output}");
            }

            try
            {
                using var ready = await probe.GetAsync("health/ready");
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return node;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening or not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                await node.DisposeAsync();
                throw new TimeoutException($"The node was not ready within {StartTimeout}:\n{node.Output}");
            }

            await Task.Delay(100);
        }
    }

    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>Sends SIGTERM, as Container Apps does when it stops a replica (Process.Kill would be SIGKILL).</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
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
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
