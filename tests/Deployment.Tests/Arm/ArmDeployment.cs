using System.Text.Json.Nodes;

namespace Deployment.Tests.Arm;

/// <summary>One resource a deployment creates, with its properties as evaluated for the given parameters.</summary>
/// <param name="Type">The resource type, e.g. <c>Microsoft.App/containerApps</c>.</param>
/// <param name="Name">The evaluated name (may contain <see cref="Unknown.Text"/>).</param>
/// <param name="Module">The chain of module (nested deployment) names it is declared in.</param>
/// <param name="Body">The evaluated resource: <c>properties</c>, <c>tags</c>, <c>sku</c>, ...</param>
internal sealed record ArmResource(string Type, string Name, string Module, Dictionary<string, object?> Body)
{
    /// <summary>A property path such as <c>properties.configuration.ingress</c>; null when absent.</summary>
    public object? this[string path] => ArmValues.At(Body, path);

    /// <inheritdoc />
    public override string ToString() => $"{Type} {Name} (in {Module})";
}

/// <summary>
/// Which resources an ARM template (as <c>bicep build</c> writes it) creates for given parameter values: evaluates
/// every resource's condition, expands copy loops and descends into nested deployments (Bicep modules) with the
/// parameter values the parent passes them, the way Azure Resource Manager would, minus what only Azure knows.
/// </summary>
internal static class ArmDeployment
{
    public static List<ArmResource> Resources(JsonObject template, IReadOnlyDictionary<string, object?> parameters)
    {
        var resources = new List<ArmResource>();
        Collect(template, parameters, "main", resources);
        return resources;
    }

    /// <summary>Collects the resources of one template; returns its scope, to read its outputs.</summary>
    private static ArmScope Collect(JsonObject template, IReadOnlyDictionary<string, object?> parameters, string module, List<ArmResource> resources)
    {
        var scope = new ArmScope(template, parameters);
        foreach (var node in template["resources"]!.AsArray())
        {
            var resource = node!.AsObject();
            if (resource.ContainsKey("existing") && (bool)resource["existing"]!)
            {
                continue;
            }

            if (resource["copy"] is JsonObject loop)
            {
                var name = (string)loop["name"]!;
                var count = (long)ArmExpression.Evaluate(loop["count"], scope)!;
                for (var i = 0L; i < count; i++)
                {
                    scope.WithLoop(name, i, () =>
                    {
                        Add(resource, scope, module, resources);
                        return true;
                    });
                }
            }
            else
            {
                Add(resource, scope, module, resources);
            }
        }

        return scope;
    }

    private static void Add(JsonObject resource, ArmScope scope, string module, List<ArmResource> resources)
    {
        if (resource["condition"] is { } condition && !ArmExpression.IsTrue(ArmExpression.Evaluate(condition, scope), $"the condition of {resource["name"]}"))
        {
            return;
        }

        var type = (string)resource["type"]!;
        var name = ArmValues.Text(ArmExpression.Evaluate(resource["name"], scope));
        if (type == "Microsoft.Resources/deployments")
        {
            var given = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (parameter, value) in resource["properties"]!["parameters"]?.AsObject() ?? [])
            {
                // Either { "value": ... } or one expression that evaluates to such an object.
                var evaluated = ArmExpression.Evaluate(value, scope) as Dictionary<string, object?>
                    ?? throw new InvalidOperationException($"parameter {parameter} of module {name} is not an object");
                given[parameter] = evaluated["value"];
            }

            // Its outputs, for the modules after it that read them; one read before it is evaluated stays Unknown.
            var nested = Collect(resource["properties"]!["template"]!.AsObject(), given, module + "/" + name, resources);
            scope.AddDeploymentOutputs(name, nested.Outputs());
            return;
        }

        var body = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in resource)
        {
            if (key is not ("condition" or "copy" or "dependsOn"))
            {
                body[key] = ArmExpression.Evaluate(value, scope);
            }
        }

        resources.Add(new ArmResource(type, name, module, body));
    }
}
