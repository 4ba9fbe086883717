using System.Text.Json.Nodes;

namespace Deployment.Tests.Arm;

/// <summary>
/// What expressions in one template see: its parameters (given values or defaults), its variables (evaluated on
/// first use, variable loops included) and the current indices of the copy loops around the expression.
/// </summary>
internal sealed class ArmScope
{
    private readonly JsonObject _template;
    private readonly Dictionary<string, object?> _parameters;
    private readonly Dictionary<string, object?> _variables = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _loops = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Dictionary<string, object?>> _deploymentOutputs = new(StringComparer.OrdinalIgnoreCase);
    private long? _currentLoop;

    public ArmScope(JsonObject template, IReadOnlyDictionary<string, object?> given)
    {
        _template = template;
        _parameters = new(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, declaration) in template["parameters"]?.AsObject() ?? [])
        {
            if (given.TryGetValue(name, out var value))
            {
                _parameters[name] = value;
            }
            else if (declaration!.AsObject().TryGetPropertyValue("defaultValue", out var defaultValue))
            {
                _parameters[name] = ArmExpression.Evaluate(defaultValue, this);
            }
            else
            {
                throw new InvalidOperationException($"the template needs the parameter {name}, which is not given");
            }
        }

        foreach (var name in given.Keys.Where(n => !_parameters.ContainsKey(n)))
        {
            throw new InvalidOperationException($"the parameter {name} is given but the template does not declare it");
        }
    }

    public object? Parameter(string name) =>
        _parameters.TryGetValue(name, out var value) ? value : throw new InvalidOperationException($"no parameter {name}");

    public object? Variable(string name)
    {
        if (_variables.TryGetValue(name, out var cached))
        {
            return cached;
        }

        var variables = _template["variables"]!.AsObject();
        object? value;
        if (variables["copy"] is JsonArray loops && loops.FirstOrDefault(l => string.Equals((string?)l!["name"], name, StringComparison.OrdinalIgnoreCase)) is { } loop)
        {
            var count = (long)ArmExpression.Evaluate(loop["count"], this)!;
            var items = new List<object?>();
            for (var i = 0L; i < count; i++)
            {
                items.Add(WithLoop(name, i, () => ArmExpression.Evaluate(loop["input"], this)));
            }

            value = items;
        }
        else
        {
            value = ArmExpression.Evaluate(variables[name] ?? throw new InvalidOperationException($"no variable {name}"), this);
        }

        _variables[name] = value;
        return value;
    }

    /// <summary>
    /// The outputs (name to <c>{ value }</c>) of a nested deployment of this template evaluated so far, as
    /// <c>reference(...).outputs</c> reads them; null when it has not been evaluated (or is not deployed).
    /// </summary>
    public Dictionary<string, object?>? DeploymentOutputs(string deployment) => _deploymentOutputs.GetValueOrDefault(deployment);

    /// <summary>Records the outputs of a nested deployment once it has been evaluated.</summary>
    public void AddDeploymentOutputs(string deployment, Dictionary<string, object?> outputs) => _deploymentOutputs[deployment] = outputs;

    /// <summary>Evaluates this template's outputs.</summary>
    public Dictionary<string, object?> Outputs()
    {
        var outputs = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, output) in _template["outputs"]?.AsObject() ?? [])
        {
            outputs[name] = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["value"] = ArmExpression.Evaluate(output!["value"], this) };
        }

        return outputs;
    }

    public long CopyIndex(string? loop) =>
        loop is null
            ? _currentLoop ?? throw new InvalidOperationException("copyIndex() outside a loop")
            : _loops.TryGetValue(loop, out var index) ? index : throw new InvalidOperationException($"copyIndex('{loop}') outside that loop");

    /// <summary>Evaluates <paramref name="evaluate"/> as iteration <paramref name="index"/> of the loop <paramref name="loop"/>.</summary>
    public T WithLoop<T>(string loop, long index, Func<T> evaluate)
    {
        var outer = _currentLoop;
        _loops[loop] = index;
        _currentLoop = index;
        try
        {
            return evaluate();
        }
        finally
        {
            _loops.Remove(loop);
            _currentLoop = outer;
        }
    }
}
