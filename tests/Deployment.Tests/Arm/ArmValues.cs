namespace Deployment.Tests.Arm;

/// <summary>Reading evaluated template values.</summary>
internal static class ArmValues
{
    /// <summary>The value at a dotted path of objects (<c>properties.template.scale</c>); null when absent.</summary>
    public static object? At(object? value, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (value is not Dictionary<string, object?> obj || !obj.TryGetValue(part, out value))
            {
                return null;
            }
        }

        return value;
    }

    /// <summary>The objects of an array value (an absent array is empty).</summary>
    public static List<Dictionary<string, object?>> Objects(object? value) =>
        value is null ? [] : ((List<object?>)value).Cast<Dictionary<string, object?>>().ToList();

    /// <summary>A string value; an unknown one as <see cref="Unknown.Text"/>.</summary>
    public static string Text(object? value) => value switch
    {
        string s => s,
        Unknown => Unknown.Text,
        _ => throw new InvalidOperationException($"expected a string, got {value ?? "null"}"),
    };
}
