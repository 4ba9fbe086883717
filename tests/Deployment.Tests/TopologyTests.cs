using Deployment.Tests.Arm;

namespace Deployment.Tests;

/// <summary>
/// What infra/main.bicep deploys in each topology, read from the ARM template the Bicep CLI compiles and evaluated
/// for azd's parameters: the resources, and the settings, ports, probes and roles they are given.
/// </summary>
public sealed class TopologyTests
{
    // Built-in role definition ids: Storage Blob Data Contributor, Storage Table Data Contributor.
    private const string BlobDataContributor = "ba92f5b4-2d11-453d-a403-e96b0029c9fe";
    private const string TableDataContributor = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3";

    [Fact]
    public async Task Orleans_is_the_default_topology_silos_and_storage_on_a_network_without_postgres()
    {
        var topology = await CompiledInfrastructure.DeployAsync();

        Assert.Single(topology.OfType("Microsoft.Storage/storageAccounts"));
        Assert.Single(topology.OfType("Microsoft.Network/virtualNetworks"));
        Assert.Empty(topology.OfType("Microsoft.DBforPostgreSQL/flexibleServers"));
        Assert.Equal(2, topology.AppsRunning("silo").Count);
        Assert.Single(topology.AppsRunning("api"));

        // Two environments: the front-ends' (public ingress) and the silos' (internal: its static IP is private).
        var environments = topology.OfType("Microsoft.App/managedEnvironments").ToList();
        Assert.Equal(2, environments.Count);
        Assert.All(environments, e => Assert.NotNull(e["properties.vnetConfiguration.infrastructureSubnetId"]));
        var internalEnvironment = Assert.Single(environments, e => e["properties.vnetConfiguration.internal"] is true);
        Assert.StartsWith("cae-silo-", internalEnvironment.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_postgres_topology_has_the_database_and_no_silos_storage_or_network()
    {
        var topology = await CompiledInfrastructure.DeployAsync(("clusterTier", "postgres"), ("postgresAdminPassword", "not-a-real-password"));

        Assert.Single(topology.OfType("Microsoft.DBforPostgreSQL/flexibleServers"));
        Assert.Single(topology.OfType("Microsoft.DBforPostgreSQL/flexibleServers/databases"));
        Assert.Empty(topology.OfType("Microsoft.Storage/storageAccounts"));
        Assert.Empty(topology.OfType("Microsoft.Network/virtualNetworks"));
        Assert.Empty(topology.AppsRunning("silo"));
        var environment = Assert.Single(topology.OfType("Microsoft.App/managedEnvironments"));
        Assert.Null(environment["properties.vnetConfiguration"]);

        var api = Assert.Single(topology.ServiceApps("api"));
        var settings = Topology.EnvironmentOf(api);
        Assert.Equal("Postgres", settings["ServerEvents__Cluster__Provider"]);
        Assert.Equal("secretref:postgres-connection", settings["ConnectionStrings__Postgres"]);
        Assert.DoesNotContain(settings.Keys, key => key.StartsWith("AzureStorage__", StringComparison.Ordinal) || key.StartsWith("Orleans__", StringComparison.Ordinal));
        var secret = Assert.Single(ArmValues.Objects(api["properties.configuration.secrets"]));
        Assert.Equal("postgres-connection", secret["name"]);
        Assert.Contains("Password=not-a-real-password;", ArmValues.Text(secret["value"]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Each_silo_is_a_one_replica_app_with_its_own_tcp_ports_which_it_listens_on_and_advertises(int siloCount)
    {
        var topology = await CompiledInfrastructure.DeployAsync(("siloCount", (long)siloCount));
        var silos = topology.AppsRunning("silo");
        Assert.Equal(siloCount, silos.Count);
        var internalEnvironment = Assert.Single(topology.OfType("Microsoft.App/managedEnvironments"), e => e["properties.vnetConfiguration.internal"] is true);

        var ports = new List<long>();
        foreach (var silo in silos)
        {
            Assert.Equal(1L, silo["properties.template.scale.minReplicas"]);
            Assert.Equal(1L, silo["properties.template.scale.maxReplicas"]);

            var settings = Topology.EnvironmentOf(silo);
            var siloPort = long.Parse((string)settings["Orleans__SiloPort"]!, System.Globalization.CultureInfo.InvariantCulture);
            var gatewayPort = long.Parse((string)settings["Orleans__GatewayPort"]!, System.Globalization.CultureInfo.InvariantCulture);

            // TCP ingress "external" to the environment's boundary (the environment itself is internal), the
            // container's ports exposed under the same numbers, so what the silo listens on is what it advertises.
            Assert.Equal("tcp", silo["properties.configuration.ingress.transport"]);
            Assert.Equal(true, silo["properties.configuration.ingress.external"]);
            Assert.Equal(siloPort, silo["properties.configuration.ingress.targetPort"]);
            Assert.Equal(siloPort, silo["properties.configuration.ingress.exposedPort"]);
            var gateway = Assert.Single(ArmValues.Objects(silo["properties.configuration.ingress.additionalPortMappings"]));
            Assert.Equal(gatewayPort, gateway["targetPort"]);
            Assert.Equal(gatewayPort, gateway["exposedPort"]);
            Assert.Equal(true, gateway["external"]);
            ports.Add(siloPort);
            ports.Add(gatewayPort);

            // It runs in the silos' internal environment and advertises that environment's private static IP.
            var environment = $"'Microsoft.App/managedEnvironments', '{internalEnvironment.Name}')";
            Assert.Contains(environment, Assert.IsType<Unknown>(silo["properties.environmentId"]).Expression, StringComparison.Ordinal);
            var advertised = Assert.IsType<Unknown>(settings["Orleans__AdvertisedIPAddress"]).Expression;
            Assert.Contains(environment, advertised, StringComparison.Ordinal);
            Assert.EndsWith(".staticIp", advertised, StringComparison.Ordinal);

            // Time to leave the cluster on SIGTERM before the platform's SIGKILL.
            Assert.True(silo["properties.template.terminationGracePeriodSeconds"] is long grace && grace >= 30, $"{silo}: grace period");
        }

        // Exposed TCP ports must be unique in the environment.
        Assert.Equal(ports.Count, ports.Distinct().Count());

        // azd deploys to exactly one app per service: the first silo; the postdeploy hook rolls the others.
        var target = Assert.Single(topology.ServiceApps("silo"));
        Assert.Same(silos[0], target);
        Assert.StartsWith("ca-silo-0-", target.Name, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("orleans")]
    [InlineData("postgres")]
    public async Task The_api_has_public_https_ingress_keeps_two_replicas_and_scales_on_many_concurrent_streams(string clusterTier)
    {
        var topology = await CompiledInfrastructure.DeployAsync(("clusterTier", clusterTier), ("postgresAdminPassword", "not-a-real-password"));
        var api = Assert.Single(topology.ServiceApps("api"));

        Assert.Equal(true, api["properties.configuration.ingress.external"]);
        Assert.Equal("http", api["properties.configuration.ingress.transport"]);
        Assert.Equal(false, api["properties.configuration.ingress.allowInsecure"]);
        Assert.True(api["properties.template.scale.minReplicas"] is long min && min >= 2, "minReplicas");
        var rule = Assert.Single(ArmValues.Objects(api["properties.template.scale.rules"]));
        var concurrent = int.Parse(ArmValues.Text(ArmValues.At(rule, "http.metadata.concurrentRequests")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(concurrent >= 100, $"concurrentRequests is {concurrent}: every open SSE stream is a concurrent request");

        // Behind the TLS-terminating ingress the app honours X-Forwarded-Proto (https heartbeat and unregister URLs).
        Assert.Equal("true", Topology.EnvironmentOf(api)["ASPNETCORE_FORWARDEDHEADERS_ENABLED"]);
        Assert.Equal(clusterTier == "orleans" ? "Orleans" : "Postgres", Topology.EnvironmentOf(api)["ServerEvents__Cluster__Provider"]);
    }

    [Theory]
    [InlineData("api")]
    [InlineData("silo")]
    public async Task Probes_use_health_and_health_ready_on_the_port_kestrel_listens_on(string container)
    {
        var topology = await CompiledInfrastructure.DeployAsync();
        foreach (var app in topology.AppsRunning(container))
        {
            var port = long.Parse((string)Topology.EnvironmentOf(app)["ASPNETCORE_HTTP_PORTS"]!, System.Globalization.CultureInfo.InvariantCulture);
            var probes = ArmValues.Objects(Topology.ContainerOf(app)["probes"]).ToDictionary(p => (string)p["type"]!);
            Assert.Equal("/health", ArmValues.At(probes["Liveness"], "httpGet.path"));
            Assert.Equal("/health/ready", ArmValues.At(probes["Readiness"], "httpGet.path"));
            Assert.All(probes.Values, probe => Assert.Equal(port, ArmValues.At(probe, "httpGet.port")));
            if (container == "api")
            {
                Assert.Equal(port, app["properties.configuration.ingress.targetPort"]);
            }

            Assert.Equal(port, Dockerfiles.HttpPort(container));
        }

        // Both paths are mapped by the app the container runs.
        var program = Repository.Read(Dockerfiles.ProjectOf[container] + "/Program.cs");
        Assert.Contains("MapHealthChecks(\"/health\"", program, StringComparison.Ordinal);
        Assert.Contains("MapHealthChecks(\"/health/ready\"", program, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storage_takes_only_entra_tokens_of_the_apps_identity_which_holds_the_blob_and_table_data_roles()
    {
        var topology = await CompiledInfrastructure.DeployAsync();
        var account = Assert.Single(topology.OfType("Microsoft.Storage/storageAccounts"));
        Assert.Equal(false, account["properties.allowBlobPublicAccess"]);
        Assert.Equal(false, account["properties.allowSharedKeyAccess"]);
        Assert.Equal("TLS1_2", account["properties.minimumTlsVersion"]);
        Assert.Equal(true, account["properties.supportsHttpsTrafficOnly"]);

        var storageRoles = topology.OfType("Microsoft.Authorization/roleAssignments")
            .Where(r => r.Body.TryGetValue("scope", out var scope) && scope is Unknown u && u.Expression.Contains("'Microsoft.Storage/storageAccounts'", StringComparison.Ordinal))
            .ToList();
        var roleIds = storageRoles.Select(r => Assert.IsType<Unknown>(r["properties.roleDefinitionId"]).Expression).ToList();
        Assert.Equal(2, roleIds.Count);
        Assert.Contains(roleIds, id => id.Contains($"'{BlobDataContributor}'", StringComparison.Ordinal));
        Assert.Contains(roleIds, id => id.Contains($"'{TableDataContributor}'", StringComparison.Ordinal));

        // Granted to the user-assigned identity the apps run as (its client id is what they get as AzureStorage__ClientId).
        var identity = Assert.Single(topology.OfType("Microsoft.ManagedIdentity/userAssignedIdentities"));
        Assert.All(storageRoles, r => AssertReadsProperty(r["properties.principalId"], "Microsoft.ManagedIdentity/userAssignedIdentities", identity.Name, "principalId"));
        foreach (var app in topology.AppsRunning("api").Concat(topology.AppsRunning("silo")))
        {
            AssertReadsProperty(Topology.EnvironmentOf(app)["AzureStorage__ClientId"], "Microsoft.ManagedIdentity/userAssignedIdentities", identity.Name, "clientId");
            Assert.Equal("UserAssigned", app["identity.type"]);
            Assert.Empty(ArmValues.Objects(app["properties.configuration.secrets"]));
        }

        // No account key anywhere: the only listKeys in the template is the Log Analytics workspace's (environment logs).
        var template = (await CompiledInfrastructure.TemplateAsync()).ToJsonString();
        var listKeys = System.Text.RegularExpressions.Regex.Matches(template, @"listKeys\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)").Select(m => m.Value).ToList();
        Assert.NotEmpty(listKeys);
        Assert.All(listKeys, call => Assert.Contains("Microsoft.OperationalInsights/workspaces", call, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Silos_and_front_ends_get_the_same_storage_and_cluster_identity()
    {
        var topology = await CompiledInfrastructure.DeployAsync(("siloCount", 3L));
        string[] shared = ["AzureStorage__BlobServiceUri", "AzureStorage__TableServiceUri", "AzureStorage__ClientId", "Orleans__ClusterId", "Orleans__ServiceId"];
        var apps = topology.AppsRunning("api").Concat(topology.AppsRunning("silo")).ToList();
        Assert.Equal(4, apps.Count);
        foreach (var name in shared)
        {
            var values = apps.Select(app => Topology.EnvironmentOf(app)[name]).ToList();
            Assert.All(values, value => Assert.Equal(values[0], value));
        }

        var api = Topology.EnvironmentOf(topology.AppsRunning("api")[0]);
        Assert.Equal("server-events-test", api["Orleans__ClusterId"]);
        var account = Assert.Single(topology.OfType("Microsoft.Storage/storageAccounts")).Name;
        AssertReadsProperty(api["AzureStorage__BlobServiceUri"], "Microsoft.Storage/storageAccounts", account, "primaryEndpoints.blob");
        AssertReadsProperty(api["AzureStorage__TableServiceUri"], "Microsoft.Storage/storageAccounts", account, "primaryEndpoints.table");
    }

    /// <summary>A value only Azure knows: the property <paramref name="property"/> of the resource <paramref name="type"/> <paramref name="name"/>.</summary>
    private static void AssertReadsProperty(object? value, string type, string name, string property)
    {
        var expression = Assert.IsType<Unknown>(value).Expression;
        Assert.StartsWith($"reference(resourceId('{type}', '{name}')", expression, StringComparison.Ordinal);
        Assert.EndsWith($").{property}", expression, StringComparison.Ordinal);
    }
}
