namespace ServerEvents.Protocol;

/// <summary>
/// Validates selectors of the form <c>op.target[$cssSelector]</c> before they are put on the wire.
/// </summary>
public static class EventSelector
{
    /// <summary>The selector prefix used by the typed notify overloads.</summary>
    public const string CommandPrefix = "cmd.";

    /// <summary>
    /// Returns <see langword="null"/> when <paramref name="selector"/> is valid, otherwise why it is not.
    /// </summary>
    public static string? Validate(string? selector)
    {
        if (string.IsNullOrEmpty(selector))
        {
            return "A selector is required.";
        }

        var dot = selector.IndexOf('.');
        if (dot <= 0 || dot == selector.Length - 1)
        {
            return $"Selector '{selector}' must have the form op.target.";
        }

        foreach (var c in selector)
        {
            // '@' separates the channel from the selector and white space separates the selector from the body:
            // either inside a selector would make the frame parse differently on every client.
            if (c == '@')
            {
                return $"Selector '{selector}' must not contain '@'.";
            }

            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                return $"Selector '{selector}' must not contain white space or control characters (use %20 for a space).";
            }
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="selector"/> is not valid.</summary>
    public static void EnsureValid(string? selector, string paramName = "selector")
    {
        if (Validate(selector) is { } error)
        {
            throw new ArgumentException(error, paramName);
        }
    }
}
