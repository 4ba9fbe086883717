using System.Globalization;
using System.Text.Json;

namespace ServerEvents.Client;

/// <summary>Splits a frame's <c>data</c> field into a <see cref="ServerEventMessage"/> exactly as PROTOCOL.md describes.</summary>
internal static class MessageParser
{
    public static ServerEventMessage Parse(string? eventId, string data)
    {
        var (selector, json) = SplitOnFirst(data, ' ');
        string? channel = null;
        var unprefixed = selector;
        if (selector.Contains('@', StringComparison.Ordinal))
        {
            (channel, unprefixed) = SplitOnFirst(selector, '@');
        }

        var (op, target) = SplitOnFirst(unprefixed, '.');

        // %20 is decoded before splitting off the CSS selector, as the JS client does.
        var (command, css) = SplitOnFirst(target.Replace("%20", " ", StringComparison.Ordinal), '$');
        return new ServerEventMessage(
            long.TryParse(eventId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null,
            data,
            channel,
            unprefixed,
            op,
            command,
            css.Length > 0 ? css : null,
            json);
    }

    /// <summary>Reads the string map that onConnect and the presence notices carry; a null message is an empty map.</summary>
    public static Dictionary<string, string> ReadInfo(string json) =>
        json.Length == 0 ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    private static (string Left, string Right) SplitOnFirst(string value, char separator)
    {
        var index = value.IndexOf(separator, StringComparison.Ordinal);
        return index < 0 ? (value, string.Empty) : (value[..index], value[(index + 1)..]);
    }
}
