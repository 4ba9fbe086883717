using System.Text.Json;
using System.Text.RegularExpressions;

namespace Deployment.Tests;

/// <summary>
/// azure.yaml, src/Api/Dockerfile and infra/ are written by hand and cannot be deployed here, so these tests read
/// them as text and check that they agree with each other and with the app: a mismatch would only show in Azure.
/// </summary>
public sealed partial class InfrastructureConsistencyTests
{
    private const string ServiceName = "api";

    private static readonly string AzureYaml = Repository.Read("azure.yaml");
    private static readonly string Dockerfile = Repository.Read("src/Api/Dockerfile");
    private static readonly string MainBicep = Repository.Read("infra/main.bicep");
    private static readonly string ApiBicep = Repository.Read("infra/modules/api.bicep");
    private static readonly string Program = Repository.Read("src/Api/Program.cs");

    [Fact]
    public void The_azure_yaml_service_points_at_the_api_project_and_its_dockerfile_with_the_repository_as_context()
    {
        var service = ServiceBlock(ServiceName);
        Assert.Equal("./src/Api", Value(service, "project"));
        Assert.Equal("dotnet", Value(service, "language"));
        Assert.Equal("containerapp", Value(service, "host"));

        var project = Repository.PathOf(Value(service, "project"));
        Assert.True(File.Exists(Path.Combine(project, "Api.csproj")), $"{project} holds no Api.csproj");

        // azd resolves docker.path and docker.context relative to the project.
        var dockerfile = Path.GetFullPath(Path.Combine(project, Value(service, "path")));
        Assert.Equal(Repository.PathOf("src/Api/Dockerfile"), dockerfile);
        var context = Path.GetFullPath(Path.Combine(project, Value(service, "context")));
        Assert.Equal(Repository.Root.TrimEnd('/'), context.TrimEnd('/'));

        // Everything the Dockerfile copies exists relative to that context.
        foreach (Match copy in CopySource().Matches(Dockerfile))
        {
            foreach (var source in copy.Groups["sources"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var path = Path.Combine(context, source);
                Assert.True(File.Exists(path) || Directory.Exists(path), $"the Dockerfile copies {source}, which is not in the build context");
            }
        }
    }

    [Fact]
    public void The_dockerfile_builds_with_the_sdk_runs_on_aspnet_as_a_non_root_user_and_restores_with_the_repository_props()
    {
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", Dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0", Dockerfile);
        Assert.Matches(@"(?m)^COPY .*Directory\.Build\.props.*Directory\.Packages\.props", Dockerfile);
        var user = Assert.Single(Regex.Matches(Dockerfile, @"(?m)^USER (\S+)$")).Groups[1].Value;
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.Matches(@"(?m)^ENTRYPOINT \[""dotnet"", ""ServerEvents\.Api\.dll""\]$", Dockerfile);
        Assert.Contains("<AssemblyName>ServerEvents.Api</AssemblyName>", Repository.Read("src/Api/Api.csproj"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_container_port_is_the_same_in_the_dockerfile_the_ingress_the_probes_and_the_environment()
    {
        var exposed = int.Parse(Assert.Single(Regex.Matches(Dockerfile, @"(?m)^EXPOSE (\d+)$")).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var listening = int.Parse(Assert.Single(Regex.Matches(Dockerfile, @"(?m)^ENV ASPNETCORE_HTTP_PORTS=(\d+)$")).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(exposed, listening);

        var port = int.Parse(Regex.Match(ApiBicep, @"(?m)^var port = (\d+)$").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(exposed, port);
        Assert.Equal("port", Regex.Match(ApiBicep, @"targetPort: (\S+)").Groups[1].Value);
        var probePorts = Regex.Matches(ApiBicep, @"httpGet: \{\s*path: '[^']*'\s*port: (\S+)").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(2, probePorts.Count);
        Assert.All(probePorts, p => Assert.Equal("port", p));
        Assert.Equal("string(port)", EnvironmentValue("ASPNETCORE_HTTP_PORTS"));
        Assert.Matches(@"transport: 'http'", ApiBicep);
        Assert.Matches(@"external: true", ApiBicep);
    }

    [Fact]
    public void The_probes_use_health_endpoints_the_app_maps()
    {
        var probes = Regex.Matches(ApiBicep, @"type: '(?<type>\w+)'\s*httpGet: \{\s*path: '(?<path>[^']*)'")
            .ToDictionary(m => m.Groups["type"].Value, m => m.Groups["path"].Value);
        Assert.Equal("/health", probes["Liveness"]);
        Assert.Equal("/health/ready", probes["Readiness"]);

        var mapped = Regex.Matches(Program, @"MapHealthChecks\(""([^""]+)""").Select(m => m.Groups[1].Value).ToList();
        Assert.All(probes.Values, path => Assert.Contains(path, mapped));
    }

    [Fact]
    public void The_service_name_matches_the_container_app_tag()
    {
        Assert.Contains($"'azd-service-name': '{ServiceName}'", ApiBicep, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  " + ServiceName + ":$", AzureYaml);
    }

    [Fact]
    public void The_app_gets_its_connection_string_from_the_secret_under_the_name_it_reads_and_runs_the_postgres_tier()
    {
        // The app reads ConnectionStrings:Postgres (PostgresClusterOptions.ConnectionStringName), i.e. ConnectionStrings__Postgres.
        Assert.Contains("ConnectionStringName = \"Postgres\"", Repository.Read("src/ServerEvents.Postgres/PostgresClusterOptions.cs"), StringComparison.Ordinal);
        Assert.Contains("\"ServerEvents:Cluster:Provider\"], \"Postgres\"", Program, StringComparison.Ordinal);

        var secretRef = Regex.Match(ApiBicep, @"name: 'ConnectionStrings__Postgres'\s*secretRef: '([^']+)'");
        Assert.True(secretRef.Success, "ConnectionStrings__Postgres is not set from a secret in api.bicep");
        Assert.Equal("postgres-connection", secretRef.Groups[1].Value);
        Assert.Matches(@"secrets: \[\s*\{\s*name: 'postgres-connection'", ApiBicep);
        Assert.Equal("'Postgres'", EnvironmentValue("ServerEvents__Cluster__Provider"));
        Assert.Matches(@"@secure\(\)\s*(@\w+\((?:'[^']*'|[^)'])*\)\s*)*param postgresConnectionString string", ApiBicep);
    }

    [Fact]
    public void Behind_the_tls_terminating_ingress_the_app_honours_x_forwarded_proto()
    {
        // Otherwise cmd.onConnect's heartbeatUrl and unRegisterUrl would be http:// on an https page.
        Assert.Equal("'true'", EnvironmentValue("ASPNETCORE_FORWARDEDHEADERS_ENABLED"));
    }

    [Fact]
    public void The_app_keeps_two_replicas_and_does_not_scale_on_the_default_ten_concurrent_requests()
    {
        Assert.Matches(@"@minValue\(2\)\s*(@\w+\((?:'[^']*'|[^)'])*\)\s*)*param minReplicas int = 2", ApiBicep);
        var concurrent = int.Parse(Regex.Match(ApiBicep, @"concurrentRequests: '(\d+)'").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(concurrent >= 100, $"concurrentRequests is {concurrent}: every open SSE stream is a concurrent request");
    }

    [Fact]
    public void Every_parameter_in_main_parameters_json_is_declared_in_main_bicep_and_every_required_one_is_given()
    {
        using var parameters = JsonDocument.Parse(Repository.Read("infra/main.parameters.json"));
        var given = parameters.RootElement.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("value").GetString());
        var declared = Parameters(MainBicep);
        Assert.All(given.Keys, name => Assert.True(declared.ContainsKey(name), $"main.parameters.json sets {name}, which main.bicep does not declare"));
        Assert.All(declared.Where(p => !p.Value).Select(p => p.Key), name => Assert.True(given.ContainsKey(name), $"main.bicep needs {name}, which main.parameters.json does not set"));

        Assert.Equal("${AZURE_ENV_NAME}", given["environmentName"]);
        Assert.Equal("${AZURE_LOCATION}", given["location"]);
        Assert.Equal("${AZURE_PRINCIPAL_ID}", given["principalId"]);
        Assert.Equal("${POSTGRES_ADMIN_PASSWORD}", given["postgresAdminPassword"]);
        Assert.Matches(@"@secure\(\)\s*(@\w+\((?:'[^']*'|[^)'])*\)\s*)*param postgresAdminPassword string", MainBicep);
        Assert.Contains("targetScope = 'subscription'", MainBicep, StringComparison.Ordinal);
        Assert.Contains("name: 'rg-${environmentName}'", MainBicep, StringComparison.Ordinal);
        Assert.Contains("'azd-env-name': environmentName", MainBicep, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AZURE_CONTAINER_REGISTRY_ENDPOINT")]
    [InlineData("AZURE_CONTAINER_REGISTRY_NAME")]
    [InlineData("AZURE_RESOURCE_GROUP")]
    [InlineData("SERVICE_API_URI")]
    public void Main_bicep_has_the_outputs_azd_needs(string output) =>
        Assert.Matches($@"(?m)^output {output} string = \S", MainBicep);

    [Fact]
    public void Every_module_exists_and_gets_exactly_the_parameters_it_declares()
    {
        var files = Directory.GetFiles(Repository.PathOf("infra"), "*.bicep", SearchOption.AllDirectories);
        var checkedModules = 0;
        foreach (var file in files)
        {
            var text = File.ReadAllText(file);
            foreach (Match module in ModuleDeclaration().Matches(text))
            {
                var path = Path.Combine(Path.GetDirectoryName(file)!, module.Groups["path"].Value);
                Assert.True(File.Exists(path), $"{file} uses the module {path}, which does not exist");
                var declared = Parameters(File.ReadAllText(path));
                var passed = PassedParameters(text, module.Index);
                Assert.All(passed, name => Assert.True(declared.ContainsKey(name), $"{Path.GetFileName(file)} passes {name} to {module.Groups["path"].Value}, which does not declare it"));
                Assert.All(declared.Where(p => !p.Value).Select(p => p.Key), name => Assert.True(passed.Contains(name), $"{Path.GetFileName(file)} does not pass the required {name} to {module.Groups["path"].Value}"));
                checkedModules++;
            }

            // Braces and brackets balance outside strings and comments: a cheap guard against a hand-editing slip.
            var code = CodeOnly(text);
            Assert.True(code.Count(c => c == '{') == code.Count(c => c == '}'), $"{Path.GetFileName(file)}: unbalanced braces");
            Assert.True(code.Count(c => c == '[') == code.Count(c => c == ']'), $"{Path.GetFileName(file)}: unbalanced brackets");
            Assert.True(code.Count(c => c == '(') == code.Count(c => c == ')'), $"{Path.GetFileName(file)}: unbalanced parentheses");
        }

        Assert.True(checkedModules >= 6, $"only {checkedModules} module uses were found");
    }

    /// <summary>Bicep text without its <c>'strings'</c> (escapes are <c>\'</c>) and <c>// comments</c>.</summary>
    private static string CodeOnly(string bicep)
    {
        var code = new System.Text.StringBuilder(bicep.Length);
        for (var i = 0; i < bicep.Length; i++)
        {
            if (bicep[i] == '\'')
            {
                for (i++; i < bicep.Length && bicep[i] != '\''; i++)
                {
                    if (bicep[i] == '\\')
                    {
                        i++;
                    }
                }
            }
            else if (bicep[i] == '/' && i + 1 < bicep.Length && bicep[i + 1] == '/')
            {
                while (i < bicep.Length && bicep[i] != '\n')
                {
                    i++;
                }
            }
            else
            {
                code.Append(bicep[i]);
            }
        }

        return code.ToString();
    }

    /// <summary>The parameters a Bicep file declares, and whether each has a default.</summary>
    private static Dictionary<string, bool> Parameters(string bicep) =>
        ParameterDeclaration().Matches(bicep).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["default"].Success);

    /// <summary>The keys of the <c>params: { }</c> block of the module declared at <paramref name="start"/>.</summary>
    private static HashSet<string> PassedParameters(string bicep, int start)
    {
        var open = bicep.IndexOf("params: {", start, StringComparison.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (open < 0)
        {
            return names;
        }

        var depth = 0;
        var body = open + "params: ".Length;
        for (var i = body; i < bicep.Length; i++)
        {
            if (bicep[i] == '{')
            {
                depth++;
            }
            else if (bicep[i] == '}' && --depth == 0)
            {
                foreach (Match key in PassedKey().Matches(bicep[(body + 1)..i]))
                {
                    names.Add(key.Groups[1].Value);
                }

                break;
            }
        }

        return names;
    }

    /// <summary>The indented lines below <c>services: / name:</c> in azure.yaml.</summary>
    private static string ServiceBlock(string name)
    {
        var match = Regex.Match(AzureYaml, @"(?ms)^services:\s*\n  " + name + @":\s*\n(?<body>(?:    .*\n|\s*#.*\n|\s*\n)*)");
        Assert.True(match.Success, $"azure.yaml has no service '{name}'");
        return match.Groups["body"].Value;
    }

    private static string Value(string block, string key)
    {
        var match = Regex.Match(block, @"(?m)^\s+" + key + @":\s*(\S+)\s*$");
        Assert.True(match.Success, $"azure.yaml's service has no {key}");
        return match.Groups[1].Value;
    }

    /// <summary>The value expression of an environment variable of the api container.</summary>
    private static string EnvironmentValue(string name)
    {
        var match = Regex.Match(ApiBicep, @"name: '" + name + @"'\s*value: (.+)");
        Assert.True(match.Success, $"api.bicep sets no {name}");
        return match.Groups[1].Value.Trim();
    }

    [GeneratedRegex(@"(?m)^param (?<name>\w+) \w+(?<default> = .+)?$")]
    private static partial Regex ParameterDeclaration();

    [GeneratedRegex(@"(?m)^module \w+ '(?<path>[^']+)' = \{")]
    private static partial Regex ModuleDeclaration();

    // Keys one level inside the params block (four spaces in a top-level module declaration).
    [GeneratedRegex(@"(?m)^    (\w+):")]
    private static partial Regex PassedKey();

    [GeneratedRegex(@"(?m)^COPY (?!--from)(?<sources>.+) \S+$")]
    private static partial Regex CopySource();
}
