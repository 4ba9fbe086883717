using System.Text.Json.Nodes;

namespace Deployment.Tests.Arm;

/// <summary>
/// infra/main.bicep compiled once by the Bicep CLI into its ARM template, and what that template deploys for the
/// parameters azd passes (infra/main.parameters.json with an azd environment's values).
/// </summary>
internal static class CompiledInfrastructure
{
    private static readonly Lazy<Task<JsonObject>> Compiled = new(CompileAsync);

    /// <summary>The ARM template of infra/main.bicep.</summary>
    public static Task<JsonObject> TemplateAsync() => Compiled.Value;

    /// <summary>
    /// The resources a deployment creates with the azd environment's required values and <paramref name="overrides"/>
    /// (e.g. <c>clusterTier</c>), everything else at its default.
    /// </summary>
    public static async Task<Topology> DeployAsync(params (string Name, object? Value)[] overrides)
    {
        var parameters = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["environmentName"] = "test",
            ["location"] = "westeurope",
        };
        foreach (var (name, value) in overrides)
        {
            parameters[name] = value;
        }

        return new Topology(ArmDeployment.Resources(await TemplateAsync(), parameters));
    }

    private static async Task<JsonObject> CompileAsync()
    {
        var (exitCode, output, error) = await BicepCli.RunAsync("build", "infra/main.bicep", "--stdout");
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"bicep build failed ({exitCode}):\n{error}");
        }

        return JsonNode.Parse(output)!.AsObject();
    }
}
