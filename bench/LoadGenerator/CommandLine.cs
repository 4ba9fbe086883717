using System.Globalization;

namespace ServerEvents.Bench.LoadGenerator;

/// <summary><c>--name value</c> arguments, with typed reads and defaults.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, string> _values = new(StringComparer.OrdinalIgnoreCase);

    public CommandLine(IEnumerable<string> args)
    {
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                _values[name] = "true";
            }
            else if (name is not null)
            {
                _values[name] = arg;
                name = null;
            }
            else
            {
                Positional.Add(arg);
            }
        }
    }

    /// <summary>Arguments that follow no option name.</summary>
    public List<string> Positional { get; } = [];

    public string Get(string name, string? fallback = null) =>
        _values.TryGetValue(name, out var value) ? value : fallback ?? throw new ArgumentException($"--{name} is required.");

    public int GetInt(string name, int? fallback = null) =>
        int.Parse(Get(name, fallback?.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public double GetDouble(string name, double? fallback = null) =>
        double.Parse(Get(name, fallback?.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>A comma-separated list.</summary>
    public string[] GetList(string name, string? fallback = null) =>
        Get(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
