using System.Reflection;
using Deployment.Tests.Arm;
using Microsoft.Extensions.Configuration;
using ServerEvents.Grains.Hosting;
using ServerEvents.Postgres;

namespace Deployment.Tests;

/// <summary>
/// Every setting infra/ gives an app is one the code reads, under the exact key it reads, and binds to what the
/// deployment meant: a misspelt key would be silently ignored in Azure (the app would fall back to Azurite).
/// </summary>
public sealed class SettingsTests
{
    // What Container Apps would pass where only Azure knows the value (the storage endpoints, the client id).
    private const string SampleUri = "https://stsample.blob.core.windows.net/";

    [Theory]
    [InlineData("orleans", "api")]
    [InlineData("orleans", "silo")]
    [InlineData("postgres", "api")]
    public async Task Every_setting_an_app_gets_is_a_key_the_code_reads(string clusterTier, string container)
    {
        var topology = await CompiledInfrastructure.DeployAsync(("clusterTier", clusterTier), ("postgresAdminPassword", "not-a-real-password"));
        var read = KeysTheCodeReads();
        foreach (var app in topology.AppsRunning(container))
        {
            foreach (var name in Topology.EnvironmentOf(app).Keys)
            {
                Assert.True(read.Contains(ConfigurationKey(name)), $"{app.Name} gets {name}, which no options class or host reads");
            }
        }
    }

    [Theory]
    [InlineData("api")]
    [InlineData("silo")]
    public async Task The_orleans_settings_bind_to_managed_identity_storage_and_the_deployment_s_cluster(string container)
    {
        var topology = await CompiledInfrastructure.DeployAsync(("siloCount", 2L));
        foreach (var app in topology.AppsRunning(container))
        {
            var settings = Topology.EnvironmentOf(app);
            var configuration = Configuration(settings);

            var storage = AzureStorageSettings.FromConfiguration(configuration);
            Assert.True(storage.UsesServiceUris, $"{app.Name} would use a connection string ({storage.ConnectionString})");
            Assert.NotNull(storage.BlobServiceUri);
            Assert.NotNull(storage.TableServiceUri);
            Assert.NotNull(storage.ClientId);
            Assert.DoesNotContain(settings.Keys, key => key.StartsWith("ConnectionStrings__", StringComparison.Ordinal));

            var cluster = OrleansClusterSettings.FromConfiguration(configuration);
            Assert.Equal("server-events-test", cluster.ClusterId);
            Assert.Equal(settings["Orleans__ServiceId"], cluster.ServiceId);
            if (container == "silo")
            {
                Assert.Equal(app["properties.configuration.ingress.exposedPort"], (long)cluster.SiloPort);
                Assert.Equal(ArmValues.Objects(app["properties.configuration.ingress.additionalPortMappings"])[0]["exposedPort"], (long)cluster.GatewayPort);
                Assert.False(string.IsNullOrEmpty(cluster.AdvertisedIPAddress));
            }
        }
    }

    [Theory]
    [InlineData("orleans", "Orleans")]
    [InlineData("postgres", "Postgres")]
    public async Task The_api_gets_the_cluster_provider_its_program_selects_the_tier_by(string clusterTier, string provider)
    {
        var topology = await CompiledInfrastructure.DeployAsync(("clusterTier", clusterTier), ("postgresAdminPassword", "not-a-real-password"));
        Assert.Equal(provider, Topology.EnvironmentOf(Assert.Single(topology.AppsRunning("api")))["ServerEvents__Cluster__Provider"]);
        Assert.Contains($"builder.Configuration[\"ServerEvents:Cluster:Provider\"], \"{provider}\"", Repository.Read("src/Api/Program.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_postgres_connection_string_reaches_the_name_the_postgres_tier_reads()
    {
        var topology = await CompiledInfrastructure.DeployAsync(("clusterTier", "postgres"), ("postgresAdminPassword", "not-a-real-password"));
        var api = Assert.Single(topology.AppsRunning("api"));
        var secrets = ArmValues.Objects(api["properties.configuration.secrets"]).ToDictionary(s => (string)s["name"]!, s => ArmValues.Text(s["value"]));
        var settings = Topology.EnvironmentOf(api).ToDictionary(
            e => e.Key,
            e => e.Value is string value && value.StartsWith("secretref:", StringComparison.Ordinal) ? secrets[value["secretref:".Length..]] : e.Value);

        var connectionString = Configuration(settings).GetConnectionString(PostgresClusterOptions.ConnectionStringName);
        Assert.NotNull(connectionString);
        Assert.Contains("Database=server_events;", connectionString, StringComparison.Ordinal);
        Assert.Contains("SSL Mode=Require", connectionString, StringComparison.Ordinal);
    }

    /// <summary>Configuration as the environment-variables provider builds it from the container's environment.</summary>
    private static IConfiguration Configuration(Dictionary<string, object?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(ConfigurationKey(s.Key), (string?)(s.Value switch
        {
            string text => text,
            Unknown => SampleUri,
            _ => throw new InvalidOperationException($"{s.Key} is {s.Value}"),
        })))).Build();

    /// <summary><c>Orleans__ClusterId</c> is the configuration key <c>Orleans:ClusterId</c>.</summary>
    private static string ConfigurationKey(string environmentVariable) => environmentVariable.Replace("__", ":", StringComparison.Ordinal);

    /// <summary>
    /// The keys the apps read: the properties of the options classes under their sections, the connection-string
    /// names, the cluster-tier switch src/Api/Program.cs reads, the telemetry exporter's connection string, and the
    /// ASP.NET Core host's own variables.
    /// </summary>
    private static HashSet<string> KeysTheCodeReads()
    {
        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "ASPNETCORE_HTTP_PORTS",
            "ASPNETCORE_FORWARDEDHEADERS_ENABLED",
            "ConnectionStrings:" + AzureStorageSettings.ConnectionStringName,
            "ConnectionStrings:" + PostgresClusterOptions.ConnectionStringName,
        };
        AddProperties(keys, AzureStorageSettings.SectionName, typeof(AzureStorageSettings));
        AddProperties(keys, OrleansClusterSettings.SectionName, typeof(OrleansClusterSettings));
        AddProperties(keys, PostgresClusterOptions.SectionName, typeof(PostgresClusterOptions));

        const string Provider = "ServerEvents:Cluster:Provider";
        Assert.Contains($"\"{Provider}\"", Repository.Read("src/Api/Program.cs"), StringComparison.Ordinal);
        keys.Add(Provider);

        // Application Insights' standard variable, which both hosts' telemetry set-up reads (src/Shared/Telemetry).
        const string ApplicationInsights = "APPLICATIONINSIGHTS_CONNECTION_STRING";
        Assert.Contains($"\"{ApplicationInsights}\"", Repository.Read("src/Shared/Telemetry/TelemetryHostingExtensions.cs"), StringComparison.Ordinal);
        keys.Add(ApplicationInsights);
        return keys;
    }

    private static void AddProperties(HashSet<string> keys, string section, Type options)
    {
        foreach (var property in options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            keys.Add(section + ":" + property.Name);
        }
    }
}
