using System.Diagnostics;
using System.Net;

namespace ServerEvents.Orleans.Integration.Tests;

/// <summary>
/// Silos and front-ends of one Orleans cluster on one storage account, with short timings. Every cluster gets a
/// cluster id and service id of its own, so tests sharing an Azurite never see each other's members or grains.
/// </summary>
public sealed class OrleansTestCluster : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly List<IAsyncDisposable> _processes = [];

    /// <param name="connectionString">The storage account; the shared Azurite when null.</param>
    public OrleansTestCluster(string? connectionString = null)
    {
        ConnectionString = connectionString ?? AzuriteServer.SharedConnectionString;
        ClusterId = "t" + Guid.NewGuid().ToString("N")[..16];
    }

    /// <summary>The storage connection string every process gets.</summary>
    public string ConnectionString { get; }

    /// <summary>The cluster id, also used as the service id.</summary>
    public string ClusterId { get; }

    /// <summary>The settings of every silo and front-end of this cluster.</summary>
    public Dictionary<string, string?> CommonSettings() => new()
    {
        ["ConnectionStrings__AzureStorage"] = ConnectionString,
        ["Orleans__ClusterId"] = ClusterId,
        ["Orleans__ServiceId"] = ClusterId,
        ["Logging__LogLevel__Default"] = "Warning",
    };

    /// <summary>
    /// The settings of a silo: a silo killed without a word is declared dead within a few seconds (one-second
    /// probes, two missed), so its grains move to a survivor while a test waits.
    /// </summary>
    public Dictionary<string, string?> SiloSettings()
    {
        var settings = CommonSettings();
        settings["Orleans__Membership__ProbeTimeout"] = "00:00:01";
        settings["Orleans__Membership__NumMissedProbesLimit"] = "2";
        settings["Orleans__Membership__IAmAliveTablePublishTimeout"] = "00:00:05";
        return settings;
    }

    /// <summary>
    /// The settings of a front-end: the Orleans tier, short server-events timings (a 5 s idle timeout, so a dead
    /// front-end's subscribers are expired while a test waits) and no chat rate limits, per user or per address (tests
    /// publish in bursts from one address).
    /// </summary>
    public Dictionary<string, string?> FrontEndSettings()
    {
        var settings = CommonSettings();
        settings["ServerEvents__Cluster__Provider"] = "Orleans";
        settings["ServerEvents__Cluster__Orleans__NodeRenewInterval"] = "00:00:01";
        settings["ServerEvents__Cluster__Orleans__NodeTimeout"] = "00:00:05";
        settings["ServerEvents__Cluster__Orleans__HealthCheckTimeout"] = "00:00:02";
        settings["ServerEvents__IdleTimeout"] = "00:00:05";
        settings["ServerEvents__HeartbeatInterval"] = "00:00:01";
        settings["ServerEvents__ExpirySweepInterval"] = "00:00:00.250";
        settings["Chat__RateLimitPermits"] = "1000000";
        settings["RateLimits__PostsPerAddress__PermitLimit"] = "1000000";
        return settings;
    }

    /// <summary>Starts a silo and waits until it is ready; it is killed when the cluster is disposed.</summary>
    public async Task<SiloProcess> StartSiloAsync(IReadOnlyDictionary<string, string?>? overrides = null) =>
        Own(await SiloProcess.StartAsync(With(SiloSettings(), overrides), StartTimeout));

    /// <summary>
    /// Starts a front-end (<c>src/Api</c>) and waits until it is ready (it reaches the cluster); it is killed when
    /// the cluster is disposed.
    /// </summary>
    public async Task<ApiProcess> StartFrontEndAsync(IReadOnlyDictionary<string, string?>? overrides = null)
    {
        return Own(await ApiProcess.StartAsync(
            With(FrontEndSettings(), overrides), ["--urls", ApiProcess.AnyLoopbackPort], "health/ready", StartTimeout));
    }

    /// <summary>What every silo and front-end of this cluster wrote, for a failure's message.</summary>
    public string Outputs() => string.Join("\n", _processes.Select(p => p switch
    {
        SiloProcess silo => $"== silo {silo.Process.BaseAddress}\n{silo.Process.Output}",
        ApiProcess frontEnd => $"== front-end {frontEnd.BaseAddress}\n{frontEnd.Output}",
        _ => string.Empty,
    }));

    /// <summary>Kills what is still running.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }

    /// <summary>Waits until <paramref name="path"/> of <paramref name="process"/> answers <paramref name="expected"/>.</summary>
    public static async Task WaitForStatusAsync(ApiProcess process, string path, HttpStatusCode expected, TimeSpan timeout)
    {
        // Longer than any readiness check may take (the storage probe gives up after 5 s), so an answer always comes.
        using var client = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
        var waited = Stopwatch.StartNew();
        HttpStatusCode? last = null;
        while (waited.Elapsed < timeout)
        {
            try
            {
                using var response = await client.GetAsync(path);
                last = response.StatusCode;
                if (last == expected)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                last = null;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{process.BaseAddress}{path} answered {last?.ToString() ?? "nothing"}, not {expected}, for {timeout}:\n{process.Output}");
    }

    private static Dictionary<string, string?> With(Dictionary<string, string?> settings, IReadOnlyDictionary<string, string?>? overrides)
    {
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    private T Own<T>(T process)
        where T : IAsyncDisposable
    {
        _processes.Add(process);
        return process;
    }
}
