using System.Globalization;

namespace Deployment.Tests;

/// <summary>
/// Real server processes (<c>src/Api</c>, <c>src/Silo</c>) configured the way Azure Container Apps configures a
/// replica: environment variables only (the port in <c>ASPNETCORE_HTTP_PORTS</c>, no <c>--urls</c>); the platform
/// stops a replica with SIGTERM (<see cref="ApiProcess.Terminate"/>).
/// </summary>
internal static class ContainerAppNode
{
    // Generous: on a loaded machine an Orleans front-end has taken over 60 s to become ready.
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    // What the platform would put in ASPNETCORE_HTTP_PORTS; here the process picks the port and reports it.
    private const string AnyPort = "0";

    // Only what the container would have: nothing inherited may pick the port or the cluster tier instead.
    private static readonly string[] NotInherited =
    [
        "ASPNETCORE_URLS", "URLS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "ConnectionStrings__Postgres", "ServerEvents__Cluster__Provider",
        "ConnectionStrings__AzureStorage", "AzureStorage__BlobServiceUri", "AzureStorage__TableServiceUri", "AzureStorage__ClientId",
        "Orleans__ClusterId", "Orleans__ServiceId", "Orleans__SiloPort", "Orleans__GatewayPort", "Orleans__AdvertisedIPAddress",
    ];

    /// <summary>
    /// The environment infra/modules/api.bicep gives the container in the PostgreSQL topology (the connection string
    /// comes from the <c>postgres-connection</c> secret there), on the port <paramref name="port"/> says.
    /// </summary>
    public static Dictionary<string, string?> ContainerAppsEnvironment(string port) => new()
    {
        ["ASPNETCORE_HTTP_PORTS"] = port,
        ["ConnectionStrings__Postgres"] = TestPostgres.ConnectionString,
        ["ServerEvents__Cluster__Provider"] = "Postgres",
    };

    /// <summary>
    /// Starts the server assembly (the Api unless <paramref name="assemblyPath"/> names another) with
    /// <paramref name="environment"/> for port 0 (<c>ASPNETCORE_HTTP_PORTS=0</c>: the process binds any free port and
    /// reports it), and waits until <c>/health/ready</c> answers 200.
    /// </summary>
    public static async Task<ApiProcess> StartAsync(Func<string, Dictionary<string, string?>> environment, string? assemblyPath = null)
    {
        var settings = NotInherited.ToDictionary(name => name, _ => (string?)null);
        foreach (var (key, value) in environment(AnyPort))
        {
            settings[key] = value;
        }

        return await ApiProcess.StartAsync(assemblyPath ?? ApiProcess.DllPath, settings, [], "health/ready", StartTimeout);
    }
}
