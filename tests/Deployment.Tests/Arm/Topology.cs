namespace Deployment.Tests.Arm;

/// <summary>The resources one deployment of infra/main.bicep creates, with lookups the tests share.</summary>
internal sealed class Topology(List<ArmResource> resources)
{
    public IReadOnlyList<ArmResource> Resources { get; } = resources;

    public IEnumerable<ArmResource> OfType(string type) => Resources.Where(r => r.Type == type);

    /// <summary>The container apps tagged for an azd service.</summary>
    public List<ArmResource> ServiceApps(string service) =>
        OfType("Microsoft.App/containerApps").Where(app => ArmValues.At(app.Body, "tags.azd-service-name") as string == service).ToList();

    /// <summary>The container apps whose single container is named <paramref name="container"/>.</summary>
    public List<ArmResource> AppsRunning(string container) =>
        OfType("Microsoft.App/containerApps").Where(app => ContainerOf(app)["name"] as string == container).ToList();

    /// <summary>The only container of an app.</summary>
    public static Dictionary<string, object?> ContainerOf(ArmResource app) =>
        Assert.Single(ArmValues.Objects(app["properties.template.containers"]));

    /// <summary>A container's environment as name to value (a <c>secretRef</c> reads as <c>secretref:name</c>).</summary>
    public static Dictionary<string, object?> EnvironmentOf(ArmResource app) =>
        ArmValues.Objects(ContainerOf(app)["env"]).ToDictionary(
            e => (string)e["name"]!,
            e => e.TryGetValue("secretRef", out var secret) ? "secretref:" + secret : e["value"]);
}
