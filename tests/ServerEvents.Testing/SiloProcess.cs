using System.Globalization;

namespace ServerEvents.Testing;

/// <summary>
/// A real <c>src/Silo</c> process (Release build) on loopback: it binds its HTTP port itself (port 0, read back
/// from what it reports); its silo and gateway ports are free ports chosen here, because a silo advertises them in
/// the membership table before it binds them and Orleans takes port 0 as "no gateway" rather than "any port". Several
/// silos run on one machine; one counts as started once <c>/health/ready</c> answers 200 (it is an active member
/// of its cluster and its storage answers).
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private SiloProcess(ApiProcess process, int siloPort, int gatewayPort)
    {
        Process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    /// <summary>The silo assembly: <c>SERVER_EVENTS_SILO_DLL</c>, or the Release build in this repository.</summary>
    public static string DllPath => ApiProcess.AssemblyPath("SERVER_EVENTS_SILO_DLL", "Silo", "ServerEvents.Silo.dll");

    /// <summary>The process (its HTTP address, output, kill and terminate).</summary>
    public ApiProcess Process { get; }

    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The gateway port front-ends connect to.</summary>
    public int GatewayPort { get; }

    /// <summary>
    /// Starts a silo with <paramref name="settings"/> as its environment (the storage connection string, the
    /// cluster id, timings) and waits until it is ready.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var siloPort = ApiProcess.FreePort();
        var gatewayPort = ApiProcess.FreePort();
        var environment = new Dictionary<string, string?>(settings)
        {
            ["Orleans__AdvertisedIPAddress"] = "127.0.0.1",
            ["Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
        };
        var process = await ApiProcess.StartAsync(
            DllPath, environment, ["--urls", ApiProcess.AnyLoopbackPort], "health/ready", timeout).ConfigureAwait(false);
        return new SiloProcess(process, siloPort, gatewayPort);
    }

    /// <summary>Kills the silo if it still runs.</summary>
    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
