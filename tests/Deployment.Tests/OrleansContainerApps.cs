using System.Globalization;
using Deployment.Tests.Arm;

namespace Deployment.Tests;

/// <summary>
/// Real <c>src/Silo</c> and <c>src/Api</c> processes started as Azure Container Apps starts the Orleans topology's
/// containers: with the environment infra/ gives each app (evaluated from the compiled ARM template) and nothing
/// else. What only Azure knows is replaced for one machine, and nothing more: the storage account and managed
/// identity by the test Azurite's connection string (Azurite takes no Entra tokens), the silo environment's private
/// static IP by 127.0.0.1, the HTTP port by any free one the process binds, and the silo and gateway
/// ports by free ones chosen here (a silo advertises them before it binds them); the cluster gets ids of its own, so tests sharing an Azurite
/// never see each other's members or grains.
/// </summary>
internal sealed class OrleansContainerApps : IAsyncDisposable
{
    // Settings whose value only Azure knows, and what stands in for them here (null: removed).
    private static readonly Dictionary<string, string?> Replaced = new()
    {
        ["AzureStorage__BlobServiceUri"] = null,
        ["AzureStorage__TableServiceUri"] = null,
        ["AzureStorage__ClientId"] = null,
        ["Orleans__AdvertisedIPAddress"] = "127.0.0.1",

        // No Application Insights here: without it the hosts export nothing.
        ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = null,
    };

    private readonly Topology _topology;
    private readonly List<ApiProcess> _processes = [];
    private readonly string _clusterId = "deploy" + Guid.NewGuid().ToString("N")[..12];

    private OrleansContainerApps(Topology topology) => _topology = topology;

    /// <summary>The deployment's cluster id here.</summary>
    public string ClusterId => _clusterId;

    /// <summary>The Orleans topology with two silos, as azd deploys it by default.</summary>
    public static async Task<OrleansContainerApps> CreateAsync() => new(await CompiledInfrastructure.DeployAsync(("siloCount", 2L)));

    /// <summary>Starts the silo of app <paramref name="index"/> and waits until <c>/health/ready</c> answers 200.</summary>
    public async Task<(ApiProcess Process, int SiloPort)> StartSiloAsync(int index)
    {
        var siloPort = ApiProcess.FreePort();
        var gatewayPort = ApiProcess.FreePort();
        var process = await ContainerAppNode.StartAsync(
            port => Environment(_topology.AppsRunning("silo")[index], port, new()
            {
                ["Orleans__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture),
                ["Orleans__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            }),
            SiloProcess.DllPath);
        _processes.Add(process);
        return (process, siloPort);
    }

    /// <summary>Starts a replica of the api app and waits until <c>/health/ready</c> answers 200.</summary>
    public async Task<ApiProcess> StartFrontEndAsync(Dictionary<string, string?>? extra = null)
    {
        var process = await ContainerAppNode.StartAsync(port => Environment(Assert.Single(_topology.AppsRunning("api")), port, extra ?? []), ApiProcess.DllPath);
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }

    private Dictionary<string, string?> Environment(ArmResource app, string port, Dictionary<string, string?> local)
    {
        var environment = new Dictionary<string, string?>();
        foreach (var (name, value) in Topology.EnvironmentOf(app))
        {
            environment[name] = value switch
            {
                Unknown when Replaced.TryGetValue(name, out var replacement) => replacement,
                string text => text,
                _ => throw new InvalidOperationException($"{app.Name} gets {name} = {value}, which this machine cannot stand in for"),
            };
        }

        environment["ASPNETCORE_HTTP_PORTS"] = port;
        environment["ConnectionStrings__AzureStorage"] = AzuriteServer.SharedConnectionString;
        environment["Orleans__ClusterId"] = _clusterId;
        environment["Orleans__ServiceId"] = _clusterId;
        foreach (var (name, value) in local)
        {
            environment[name] = value;
        }

        return environment;
    }
}
