using System.Text.Json;
using System.Text.Json.Nodes;
using Deployment.Tests.Arm;

namespace Deployment.Tests;

/// <summary>infra/main.parameters.json (what azd passes) matches the parameters and outputs of the compiled main.bicep.</summary>
public sealed class ParametersTests
{
    [Fact]
    public async Task Every_parameter_azd_passes_is_declared_and_every_required_one_is_passed()
    {
        var template = await CompiledInfrastructure.TemplateAsync();
        var declared = template["parameters"]!.AsObject();
        var given = Given();

        Assert.All(given.Keys, name => Assert.True(declared.ContainsKey(name), $"main.parameters.json sets {name}, which main.bicep does not declare"));
        foreach (var (name, declaration) in declared)
        {
            Assert.True(given.ContainsKey(name) || declaration!.AsObject().ContainsKey("defaultValue"), $"main.bicep needs {name}, which main.parameters.json does not set");
        }

        Assert.Equal("${AZURE_ENV_NAME}", given["environmentName"]);
        Assert.Equal("${AZURE_LOCATION}", given["location"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", given["principalId"]);
        Assert.Equal("${POSTGRES_ADMIN_PASSWORD}", given["postgresAdminPassword"]);
        Assert.Equal("${SERVICE_API_RESOURCE_EXISTS=false}", given["apiExists"]);
        Assert.Equal("${SERVICE_SILO_RESOURCE_EXISTS=false}", given["siloExists"]);
        Assert.Equal("securestring", (string?)declared["postgresAdminPassword"]!["type"]);
        Assert.Equal("subscription", ((string)template["$schema"]!).Contains("subscriptionDeploymentTemplate", StringComparison.Ordinal) ? "subscription" : "other");
    }

    [Fact]
    public async Task The_cluster_tier_defaults_to_orleans_and_azd_env_set_cluster_tier_postgres_switches()
    {
        var declared = (await CompiledInfrastructure.TemplateAsync())["parameters"]!["clusterTier"]!.AsObject();
        Assert.Equal("orleans", (string?)declared["defaultValue"]);
        Assert.Equal(["orleans", "postgres"], declared["allowedValues"]!.AsArray().Select(v => (string?)v));

        // azd substitutes ${CLUSTER_TIER=orleans}: the environment's value, or orleans when it is not set.
        Assert.Equal("${CLUSTER_TIER=orleans}", Given()["clusterTier"]);
        Assert.Equal("${SILO_COUNT=2}", Given()["siloCount"]);
        Assert.Equal(2, (int)(await CompiledInfrastructure.TemplateAsync())["parameters"]!["siloCount"]!["defaultValue"]!);
    }

    [Theory]
    [InlineData("AZURE_CONTAINER_REGISTRY_ENDPOINT")]
    [InlineData("AZURE_CONTAINER_REGISTRY_NAME")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("SERVICE_API_URI")]
    [InlineData("SERVICE_API_NAME")]
    [InlineData("SERVICE_SILO_NAME")]
    [InlineData("SILO_APP_NAMES")]
    public async Task Main_bicep_has_the_outputs_azd_and_the_hooks_read(string output)
    {
        var outputs = (await CompiledInfrastructure.TemplateAsync())["outputs"]!.AsObject();
        Assert.True(outputs.ContainsKey(output), $"main.bicep has no output {output}");
        Assert.Equal("string", (string?)outputs[output]!["type"]);
    }

    [Fact]
    public async Task The_resource_group_and_tags_are_the_ones_azd_looks_for()
    {
        var topology = await CompiledInfrastructure.DeployAsync();
        var group = Assert.Single(topology.OfType("Microsoft.Resources/resourceGroups"));
        Assert.Equal("rg-test", group.Name);
        Assert.All(topology.Resources.Where(r => r.Body.ContainsKey("tags")), r => Assert.Equal("test", ArmValues.At(r.Body, "tags.azd-env-name")));
    }

    private static Dictionary<string, string> Given()
    {
        var parameters = JsonNode.Parse(Repository.Read("infra/main.parameters.json"))!["parameters"]!.AsObject();
        return parameters.ToDictionary(p => p.Key, p => p.Value!["value"]!.GetValue<string>());
    }
}
