using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Deployment.Tests.Arm;

/// <summary>
/// Evaluates ARM template language expressions (<c>"[equals(parameters('x'), 'y')]"</c>) over plain values: string,
/// long (double for <c>json('0.5')</c>), bool, null, <see cref="List{T}"/> of values, <see cref="Dictionary{TKey, TValue}"/> of string to value, and
/// <see cref="Unknown"/> for what only Azure knows. Only the functions Bicep emits for infra/ are implemented; any
/// other is a test failure, so a new construct cannot be silently mis-evaluated.
/// </summary>
internal static class ArmExpression
{
    // Functions whose result depends on Azure's state at deployment: evaluated to Unknown.
    private static readonly HashSet<string> AzureFunctions = new(StringComparer.OrdinalIgnoreCase)
    {
        "reference", "resourceId", "subscriptionResourceId", "extensionResourceId", "subscription", "resourceGroup",
        "guid", "uniqueString", "listKeys", "tryGet", "deployment", "environment", "tenant",
    };

    /// <summary>Evaluates a template value: expressions inside strings, recursively through objects and arrays.</summary>
    public static object? Evaluate(JsonNode? node, ArmScope scope)
    {
        switch (node)
        {
            case null:
                return null;
            case JsonObject obj:
                var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (var (key, value) in obj)
                {
                    result[key] = Evaluate(value, scope);
                }

                return result;
            case JsonArray array:
                return array.Select(item => Evaluate(item, scope)).ToList();
            case JsonValue value when value.TryGetValue<string>(out var text):
                return EvaluateString(text, scope);
            case JsonValue value when value.TryGetValue<bool>(out var flag):
                return flag;
            case JsonValue value when value.TryGetValue<long>(out var number):
                return number;
            case JsonValue value when value.TryGetValue<double>(out var fraction):
                return fraction;
            default:
                throw new InvalidOperationException($"unexpected template value {node.ToJsonString()}");
        }
    }

    private static object? EvaluateString(string text, ArmScope scope)
    {
        if (text.StartsWith("[[", StringComparison.Ordinal))
        {
            return text[1..];
        }

        if (!text.StartsWith('[') || !text.EndsWith(']'))
        {
            return text;
        }

        var parser = new Parser(text[1..^1], scope);
        var value = parser.ParseExpression();
        parser.ExpectEnd();
        return value;
    }

    /// <summary>Whether a value is known and true; an unknown condition is a test failure.</summary>
    public static bool IsTrue(object? value, string what) => value switch
    {
        bool flag => flag,
        Unknown unknown => throw new InvalidOperationException($"{what} depends on Azure's state: {unknown.Expression}"),
        _ => throw new InvalidOperationException($"{what} is not a bool: {value}"),
    };

    private static object? Call(string name, List<object?> args, ArmScope scope)
    {
        if (string.Equals(name, "reference", StringComparison.OrdinalIgnoreCase)
            && args[0] is Unknown { Deployment: { } deployment }
            && scope.DeploymentOutputs(deployment) is { } outputs)
        {
            return new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["outputs"] = outputs };
        }

        if (AzureFunctions.Contains(name))
        {
            var expression = $"{name}({string.Join(", ", args.Select(Describe))})";
            if (name.EndsWith("resourceId", StringComparison.OrdinalIgnoreCase))
            {
                // An id: never empty; a nested deployment's id is also how reference() finds its outputs.
                var type = args.OfType<string>().FirstOrDefault(a => !a.StartsWith('/') && a.Contains('/', StringComparison.Ordinal));
                var deploymentName = type == "Microsoft.Resources/deployments" ? args[^1] as string : null;
                return new Unknown(expression, NonEmpty: true, deploymentName);
            }

            return new Unknown(expression, NonEmpty: name is "guid" or "uniqueString" or "subscription" or "resourceGroup");
        }

        switch (name.ToLowerInvariant())
        {
            case "parameters":
                return scope.Parameter(AsString(args[0]));
            case "variables":
                return scope.Variable(AsString(args[0]));
            case "copyindex":
                return scope.CopyIndex(args.Count > 0 && args[0] is string loop ? loop : null) + (args.Count > 1 ? AsLong(args[1]) : args.Count == 1 && args[0] is long offset ? offset : 0);
            case "createobject":
                var obj = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < args.Count; i += 2)
                {
                    obj[AsString(args[i])] = args[i + 1];
                }

                return obj;
            case "createarray":
                return args.ToList();
            case "null":
                return null;
            case "true":
                return true;
            case "false":
                return false;
        }

        if (string.Equals(name, "empty", StringComparison.OrdinalIgnoreCase) && args[0] is Unknown { NonEmpty: true })
        {
            return false;
        }

        // The remaining functions are strict: an unknown argument makes the result unknown.
        if (args.OfType<Unknown>().FirstOrDefault() is { } unknownArgument && name is not ("if" or "coalesce" or "format" or "concat" or "join" or "union"))
        {
            return new Unknown($"{name}({unknownArgument.Expression})");
        }

        switch (name.ToLowerInvariant())
        {
            case "if":
                return args[0] is Unknown condition ? new Unknown($"if({condition.Expression})") : IsTrue(args[0], "if()") ? args[1] : args[2];
            case "equals":
                return ValueEquals(args[0], args[1]);
            case "not":
                return !IsTrue(args[0], "not()");
            case "and":
                return args.All(a => IsTrue(a, "and()"));
            case "or":
                return args.Any(a => IsTrue(a, "or()"));
            case "empty":
                return args[0] switch
                {
                    null => true,
                    string s => s.Length == 0,
                    List<object?> list => list.Count == 0,
                    Dictionary<string, object?> d => d.Count == 0,
                    _ => false,
                };
            case "length":
                return args[0] switch
                {
                    string s => (long)s.Length,
                    List<object?> list => (long)list.Count,
                    Dictionary<string, object?> d => (long)d.Count,
                    _ => throw new InvalidOperationException($"length() of {args[0]}"),
                };
            case "range":
                return Enumerable.Range((int)AsLong(args[0]), (int)AsLong(args[1])).Select(i => (object?)(long)i).ToList();
            case "add":
                return AsLong(args[0]) + AsLong(args[1]);
            case "sub":
                return AsLong(args[0]) - AsLong(args[1]);
            case "mul":
                return AsLong(args[0]) * AsLong(args[1]);
            case "div":
                // ARM's div() is integer division, truncating as C#'s does.
                return AsLong(args[0]) / AsLong(args[1]);
            case "string":
                return args[0] switch
                {
                    string s => s,
                    bool b => b ? "True" : "False",
                    long n => n.ToString(CultureInfo.InvariantCulture),
                    _ => throw new InvalidOperationException($"string() of {args[0]}"),
                };
            case "int":
                return args[0] is string digits ? long.Parse(digits, CultureInfo.InvariantCulture) : AsLong(args[0]);
            case "json":
                return Evaluate(JsonNode.Parse(AsString(args[0])), scope);
            case "tolower":
                return AsString(args[0]).ToLowerInvariant();
            case "format":
                return Format(AsString(args[0]), args.Skip(1).ToList());
            case "concat":
                return args.Count > 0 && args[0] is List<object?>
                    ? args.SelectMany(a => (List<object?>)a!).ToList()
                    : string.Concat(args.Select(Text));
            case "join":
                return args[0] is List<object?> items ? string.Join(AsString(args[1]), items.Select(Text)) : new Unknown("join()");
            case "coalesce":
                return args.FirstOrDefault(a => a is not null);
            case "union":
                var merged = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                foreach (var part in args)
                {
                    foreach (var (key, value) in part as Dictionary<string, object?> ?? throw new InvalidOperationException("union() of non-objects"))
                    {
                        merged[key] = value;
                    }
                }

                return merged;
            default:
                throw new InvalidOperationException($"the ARM function {name}() is not implemented by the test evaluator");
        }
    }

    private static string Format(string format, List<object?> args)
    {
        var text = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '{' && i + 1 < format.Length && format[i + 1] != '{')
            {
                var close = format.IndexOf('}', i);
                var index = int.Parse(format[(i + 1)..close].Split(':')[0], CultureInfo.InvariantCulture);
                text.Append(Text(args[index]));
                i = close;
            }
            else
            {
                text.Append(format[i]);
                if (format[i] is '{' or '}' && i + 1 < format.Length && format[i + 1] == format[i])
                {
                    i++;
                }
            }
        }

        return text.ToString();
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        long n => n.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "True" : "False",
        Unknown => Unknown.Text,
        _ => throw new InvalidOperationException($"cannot format {value}"),
    };

    // How an argument reads inside an Unknown's expression: enough to tell which resource it refers to.
    private static string Describe(object? value) => value switch
    {
        string s => "'" + s + "'",
        long n => n.ToString(CultureInfo.InvariantCulture),
        Unknown unknown => unknown.Expression,
        _ => "...",
    };

    private static bool ValueEquals(object? a, object? b) => (a, b) switch
    {
        (string x, string y) => string.Equals(x, y, StringComparison.OrdinalIgnoreCase),
        (List<object?> x, List<object?> y) => x.Count == y.Count && x.Zip(y).All(p => ValueEquals(p.First, p.Second)),
        _ => Equals(a, b),
    };

    private static string AsString(object? value) => value as string ?? throw new InvalidOperationException($"expected a string, got {value ?? "null"}");

    private static long AsLong(object? value) => value is long n ? n : throw new InvalidOperationException($"expected an integer, got {value ?? "null"}");

    /// <summary>Recursive descent over one expression: calls, 'strings', integers, <c>.property</c> and <c>[index]</c>.</summary>
    private sealed class Parser(string text, ArmScope scope)
    {
        private int _position;

        public object? ParseExpression()
        {
            SkipSpace();
            object? value;
            if (Peek() == '\'')
            {
                value = ParseString();
            }
            else if (char.IsDigit(Peek()) || Peek() == '-')
            {
                var start = _position++;
                while (char.IsDigit(Peek()))
                {
                    _position++;
                }

                value = long.Parse(text[start.._position], CultureInfo.InvariantCulture);
            }
            else
            {
                var name = ParseIdentifier();
                Expect('(');
                var args = new List<object?>();
                SkipSpace();
                if (Peek() != ')')
                {
                    do
                    {
                        args.Add(ParseExpression());
                        SkipSpace();
                    }
                    while (TryConsume(','));
                }

                Expect(')');
                value = Call(name, args, scope);
            }

            while (true)
            {
                SkipSpace();
                if (TryConsume('.'))
                {
                    value = Member(value, ParseIdentifier());
                }
                else if (TryConsume('['))
                {
                    var index = ParseExpression();
                    SkipSpace();
                    Expect(']');
                    value = index is string key ? Member(value, key) : Index(value, index);
                }
                else
                {
                    return value;
                }
            }
        }

        public void ExpectEnd()
        {
            SkipSpace();
            if (_position != text.Length)
            {
                throw new InvalidOperationException($"unparsed rest of expression: {text[_position..]}");
            }
        }

        private static object? Member(object? value, string name) => value switch
        {
            Unknown unknown => new Unknown(unknown.Expression + "." + name),
            Dictionary<string, object?> obj => obj.TryGetValue(name, out var member) ? member : throw new InvalidOperationException($"no property {name}"),
            _ => throw new InvalidOperationException($"property {name} of {value ?? "null"}"),
        };

        private static object? Index(object? value, object? index) => (value, index) switch
        {
            (Unknown unknown, _) => unknown,
            (_, Unknown unknown) => unknown,
            (List<object?> list, long i) => list[(int)i],
            _ => throw new InvalidOperationException($"index {index} of {value ?? "null"}"),
        };

        private string ParseString()
        {
            Expect('\'');
            var value = new StringBuilder();
            while (true)
            {
                var c = text[_position++];
                if (c == '\'')
                {
                    if (Peek() != '\'')
                    {
                        return value.ToString();
                    }

                    _position++;
                }

                value.Append(c);
            }
        }

        private string ParseIdentifier()
        {
            SkipSpace();
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] is '_' or '$'))
            {
                _position++;
            }

            return _position > start ? text[start.._position] : throw new InvalidOperationException($"expected a name at {text[start..]}");
        }

        private char Peek() => _position < text.Length ? text[_position] : '\0';

        private bool TryConsume(char c)
        {
            SkipSpace();
            if (Peek() != c)
            {
                return false;
            }

            _position++;
            return true;
        }

        private void Expect(char c)
        {
            if (!TryConsume(c))
            {
                throw new InvalidOperationException($"expected '{c}' at {text[_position..]}");
            }
        }

        private void SkipSpace()
        {
            while (char.IsWhiteSpace(Peek()))
            {
                _position++;
            }
        }
    }
}
