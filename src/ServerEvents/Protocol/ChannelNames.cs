namespace ServerEvents.Protocol;

/// <summary>
/// Parses and validates channel names as they arrive in query strings, request bodies and API calls.
/// </summary>
public sealed class ChannelNames
{
    /// <summary>The channel a subscription joins when it names none.</summary>
    public const string Default = "*";

    private readonly int _maxLength;
    private readonly int _maxCount;

    /// <summary>Creates a validator with the given limits.</summary>
    public ChannelNames(int maxLength, int maxCount)
    {
        _maxLength = maxLength;
        _maxCount = maxCount;
    }

    /// <summary>
    /// Splits every value on commas and validates each name; duplicates are removed, order is kept.
    /// A value that is entirely empty contributes nothing (clients send <c>channels=</c> for "none").
    /// </summary>
    /// <returns>The names, or an error message.</returns>
    public ChannelParseResult Parse(IEnumerable<string?> values)
    {
        var names = new List<string>();
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            foreach (var part in value.Split(','))
            {
                var name = part.Trim();
                if (Validate(name) is { } error)
                {
                    return ChannelParseResult.Failure(error);
                }

                if (!names.Contains(name, StringComparer.Ordinal))
                {
                    names.Add(name);
                }
            }
        }

        return names.Count > _maxCount
            ? ChannelParseResult.Failure(TooMany(names.Count))
            : ChannelParseResult.Success(names);
    }

    /// <summary>Returns <see langword="null"/> when <paramref name="name"/> is a valid channel name, otherwise why it is not.</summary>
    public string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "Channel names must not be empty.";
        }

        if (name.Length > _maxLength)
        {
            return $"Channel name '{name[..Math.Min(name.Length, 32)]}…' is longer than {_maxLength} characters.";
        }

        foreach (var c in name)
        {
            if (c == '@')
            {
                return $"Channel name '{name}' must not contain '@'.";
            }

            if (c == ',' || char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return $"Channel name '{name}' must not contain commas, white space or control characters.";
            }
        }

        return null;
    }

    /// <summary>Returns <see langword="null"/> when <paramref name="count"/> channels are allowed on one subscription.</summary>
    public string? ValidateCount(int count) => count > _maxCount ? TooMany(count) : null;

    private string TooMany(int count) => $"A subscription may join at most {_maxCount} channels ({count} requested).";
}

/// <summary>The outcome of <see cref="ChannelNames.Parse"/>.</summary>
public readonly record struct ChannelParseResult(IReadOnlyList<string> Names, string? Error)
{
    /// <summary>Whether every name was valid.</summary>
    public bool IsValid => Error is null;

    internal static ChannelParseResult Success(IReadOnlyList<string> names) => new(names, null);

    internal static ChannelParseResult Failure(string error) => new([], error);
}
