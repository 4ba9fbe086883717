using System.Text.RegularExpressions;

namespace ServerEvents.Api.Chat;

/// <summary>Chat channel names: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, at most 64 characters (safe in URLs and tab labels).</summary>
internal static partial class ChatChannel
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public static string Describe(string? name) =>
        $"Channel '{name}' is not valid: use 1 to 64 letters, digits, '-', '_' or '.'.";

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex Pattern();
}
