using System.Globalization;

namespace Deployment.Tests;

/// <summary>
/// Real <c>src/Api</c> processes configured the way Azure Container Apps configures a replica: environment
/// variables only (the port in <c>ASPNETCORE_HTTP_PORTS</c>, no <c>--urls</c>); the platform stops a replica with
/// SIGTERM (<see cref="ApiProcess.Terminate"/>).
/// </summary>
internal static class ContainerAppNode
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(40);

    // Only what the container would have: nothing inherited may pick the port instead of ASPNETCORE_HTTP_PORTS.
    private static readonly string[] NotInherited =
        ["ASPNETCORE_URLS", "URLS", "ASPNETCORE_HTTPS_PORTS", "DOTNET_URLS", "ConnectionStrings__Postgres", "ServerEvents__Cluster__Provider"];

    /// <summary>
    /// The environment infra/modules/api.bicep gives the container (the connection string comes from the
    /// <c>postgres-connection</c> secret there), with the port chosen here.
    /// </summary>
    public static Dictionary<string, string> ContainerAppsEnvironment(int port) => new()
    {
        ["ASPNETCORE_HTTP_PORTS"] = port.ToString(CultureInfo.InvariantCulture),
        ["ConnectionStrings__Postgres"] = TestPostgres.ConnectionString,
        ["ServerEvents__Cluster__Provider"] = "Postgres",
    };

    /// <summary>Starts a node with <paramref name="environment"/> and waits until <c>/health/ready</c> answers 200.</summary>
    public static async Task<ApiProcess> StartAsync(Func<int, Dictionary<string, string>> environment)
    {
        var port = ApiProcess.FreePort();
        var settings = NotInherited.ToDictionary(name => name, _ => (string?)null);
        foreach (var (key, value) in environment(port))
        {
            settings[key] = value;
        }

        return await ApiProcess.StartAsync(settings, [], new Uri($"http://127.0.0.1:{port}/"), "health/ready", StartTimeout);
    }
}
