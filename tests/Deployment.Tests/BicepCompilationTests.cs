using Deployment.Tests.Arm;

namespace Deployment.Tests;

/// <summary>infra/ compiles with the Bicep CLI and passes its linter with nothing to report, in both topologies.</summary>
public sealed class BicepCompilationTests
{
    [Fact]
    public async Task Main_bicep_compiles_without_errors_or_warnings()
    {
        var (exitCode, output, error) = await BicepCli.RunAsync("build", "infra/main.bicep", "--stdout");
        Assert.True(exitCode == 0, error);
        Assert.Equal("", error.Trim());
        Assert.StartsWith("{", output.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_linter_reports_nothing_for_main_bicep_and_every_module()
    {
        // lint follows the modules main.bicep uses, so every file under infra/ must be one of them.
        var (exitCode, output, error) = await BicepCli.RunAsync("lint", "infra/main.bicep");
        Assert.True(exitCode == 0, output + error);
        Assert.Equal("", (output + error).Trim());

        var sources = Directory.GetFiles(Repository.PathOf("infra"), "*.bicep", SearchOption.AllDirectories).ToDictionary(f => f, File.ReadAllText);
        foreach (var module in sources.Keys.Where(f => Path.GetFileName(f) != "main.bicep"))
        {
            var name = Path.GetFileName(module);
            Assert.True(sources.Values.Any(text => text.Contains($"'modules/{name}'", StringComparison.Ordinal) || text.Contains($"'{name}'", StringComparison.Ordinal)), $"{name} is used by no template, so the linter never sees it");
        }
    }

    [Theory]
    [InlineData("orleans")]
    [InlineData("postgres")]
    public async Task Both_topologies_evaluate_with_the_azd_parameters(string clusterTier)
    {
        var topology = await CompiledInfrastructure.DeployAsync(("clusterTier", clusterTier));
        Assert.Single(topology.ServiceApps("api"));
    }
}
