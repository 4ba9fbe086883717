using System.Text.RegularExpressions;
using System.Xml.Linq;
using Deployment.Tests.Arm;
using ServerEvents.Grains.Hosting;

namespace Deployment.Tests;

/// <summary>
/// azure.yaml's services, their Dockerfiles and projects agree with each other and with the apps infra/ deploys:
/// a mismatch would only show in Azure.
/// </summary>
public sealed class ServiceDefinitionTests
{
    private static readonly string AzureYaml = Repository.Read("azure.yaml");

    [Theory]
    [InlineData("api", "Api.csproj")]
    [InlineData("silo", "Silo.csproj")]
    public void The_service_builds_its_project_with_its_own_dockerfile_from_the_repository_root(string service, string projectFile)
    {
        var block = ServiceBlock(service);
        Assert.Equal("./" + Dockerfiles.ProjectOf[service], Value(block, "project"));
        Assert.Equal("dotnet", Value(block, "language"));
        Assert.Equal("containerapp", Value(block, "host"));

        var project = Repository.PathOf(Value(block, "project"));
        Assert.True(File.Exists(Path.Combine(project, projectFile)), $"{project} holds no {projectFile}");

        // azd resolves docker.path and docker.context relative to the project.
        Assert.Equal(Path.Combine(project, "Dockerfile"), Path.GetFullPath(Path.Combine(project, Value(block, "path"))));
        var context = Path.GetFullPath(Path.Combine(project, Value(block, "context")));
        Assert.Equal(Repository.Root.TrimEnd('/'), context.TrimEnd('/'));

        // Everything the Dockerfile copies exists in that context and is not excluded by .dockerignore.
        var ignored = Repository.Read(".dockerignore").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        foreach (var source in Dockerfiles.CopiedSources(service))
        {
            var path = Path.Combine(context, source);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"the {service} Dockerfile copies {source}, which is not in the build context");
            Assert.DoesNotContain(ignored, rule => source.StartsWith(rule.TrimEnd('/') + "/", StringComparison.Ordinal) || source == rule);
        }
    }

    [Theory]
    [InlineData("api", "Api.csproj")]
    [InlineData("silo", "Silo.csproj")]
    public void The_dockerfile_copies_every_project_its_project_references_before_and_after_the_restore(string service, string projectFile)
    {
        var copied = Dockerfiles.CopiedSources(service);
        var closure = ProjectClosure(Path.Combine(Repository.PathOf(Dockerfiles.ProjectOf[service]), projectFile));
        Assert.True(closure.Count >= 2, $"{projectFile} references no project");
        foreach (var csproj in closure)
        {
            var relative = Path.GetRelativePath(Repository.Root, csproj).Replace('\\', '/');
            Assert.Contains(relative, copied);
            Assert.Contains(Path.GetDirectoryName(relative)!.Replace('\\', '/') + "/", copied);
        }
    }

    [Theory]
    [InlineData("api", "Api.csproj")]
    [InlineData("silo", "Silo.csproj")]
    public void The_dockerfile_builds_with_the_sdk_and_runs_the_project_assembly_on_aspnet_as_a_non_root_user(string service, string projectFile)
    {
        var dockerfile = Dockerfiles.Read(service);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0 AS final$", dockerfile);
        Assert.Matches(@"(?m)^COPY .*Directory\.Build\.props.*Directory\.Packages\.props", dockerfile);
        var user = Assert.Single(Regex.Matches(dockerfile, @"(?m)^USER (\S+)$")).Groups[1].Value;
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);

        var assembly = XDocument.Load(Path.Combine(Repository.PathOf(Dockerfiles.ProjectOf[service]), projectFile)).Descendants("AssemblyName").Single().Value;
        Assert.Matches($@"(?m)^ENTRYPOINT \[""dotnet"", ""{Regex.Escape(assembly)}\.dll""\]$", dockerfile);
    }

    [Fact]
    public async Task The_silo_image_exposes_its_http_port_and_the_orleans_ports_the_first_silo_uses()
    {
        var defaults = new OrleansClusterSettings();
        Assert.Equal([Dockerfiles.HttpPort("silo"), defaults.SiloPort, defaults.GatewayPort], Dockerfiles.ExposedPorts("silo"));
        Assert.Equal([Dockerfiles.HttpPort("api")], Dockerfiles.ExposedPorts("api"));

        var first = (await CompiledInfrastructure.DeployAsync()).AppsRunning("silo")[0];
        var settings = Topology.EnvironmentOf(first);
        Assert.Equal(defaults.SiloPort.ToString(System.Globalization.CultureInfo.InvariantCulture), settings["Orleans__SiloPort"]);
        Assert.Equal(defaults.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), settings["Orleans__GatewayPort"]);
    }

    [Fact]
    public async Task The_silo_service_rolls_its_image_to_every_silo_app_with_a_postdeploy_hook_reading_the_outputs_of_main_bicep()
    {
        var hook = Regex.Match(ServiceBlock("silo"), @"(?m)^      postdeploy:\s*\n(?:\s*#.*\n)*\s*shell: sh\s*\n\s*run: (\S+)\s*$");
        Assert.True(hook.Success, "the silo service has no sh postdeploy hook");
        var script = Path.GetFullPath(Path.Combine(Repository.PathOf(Dockerfiles.ProjectOf["silo"]), hook.Groups[1].Value));
        Assert.True(File.Exists(script), $"{script} does not exist");
        Assert.True(OperatingSystem.IsWindows() || (File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0, $"{script} is not executable");

        // The names it reads from the azd environment are outputs of main.bicep (or set by azd itself).
        var outputs = (await CompiledInfrastructure.TemplateAsync())["outputs"]!.AsObject().Select(o => o.Key).ToHashSet();
        var read = Regex.Matches(File.ReadAllText(script), @"\$\{?([A-Z][A-Z0-9_]+)").Select(m => m.Groups[1].Value).ToHashSet();
        read.Remove("SERVICE_SILO_IMAGE_NAME");
        Assert.Contains("SILO_APP_NAMES", read);
        Assert.All(read, name => Assert.Contains(name, outputs));
    }

    /// <summary>The project and every project it references, transitively.</summary>
    private static HashSet<string> ProjectClosure(string csproj)
    {
        var closure = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(csproj)]);
        while (pending.TryPop(out var project))
        {
            if (closure.Add(project))
            {
                foreach (var reference in XDocument.Load(project).Descendants("ProjectReference"))
                {
                    pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
                }
            }
        }

        return closure;
    }

    /// <summary>The indented lines below <c>services: / name:</c> in azure.yaml.</summary>
    private static string ServiceBlock(string name)
    {
        var match = Regex.Match(AzureYaml, @"(?m)^  " + name + @":\s*\n(?<body>(?:    .*\n|\s*#.*\n|\s*\n)*)");
        Assert.True(match.Success, $"azure.yaml has no service '{name}'");
        Assert.Matches(@"(?ms)^services:\s*\n.*^  " + name + ":", AzureYaml);
        return match.Groups["body"].Value;
    }

    private static string Value(string block, string key)
    {
        var match = Regex.Match(block, @"(?m)^\s+" + key + @":\s*(\S+)\s*$");
        Assert.True(match.Success, $"azure.yaml's service has no {key}");
        return match.Groups[1].Value;
    }
}
