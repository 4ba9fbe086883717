using System.Globalization;

namespace ServerEvents.Client;

/// <summary>
/// The public info of a subscription, as sent in join, leave, update and heartbeat notices and by
/// <see cref="ServerEventsClient.GetChannelSubscribersAsync"/>.
/// </summary>
public sealed class ServerEventUser
{
    private static readonly HashSet<string> KnownKeys =
        new(["userId", "displayName", "profileUrl", "channels", "isAuthenticated", "createdAt"], StringComparer.Ordinal);

    /// <summary>The user id; <c>-n</c> for anonymous users.</summary>
    public required string UserId { get; init; }

    /// <summary>The name shown to other users.</summary>
    public required string DisplayName { get; init; }

    /// <summary>A picture of the user, when known.</summary>
    public string? ProfileUrl { get; init; }

    /// <summary>Whether the user is signed in.</summary>
    public bool IsAuthenticated { get; init; }

    /// <summary>When the subscription was created, when the server said.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>The channels the subscription is in.</summary>
    public required IReadOnlyList<string> Channels { get; init; }

    /// <summary>Custom public meta added by the server: every key that is not one of the properties above.</summary>
    public required IReadOnlyDictionary<string, string> Meta { get; init; }

    /// <summary>Reads the string dictionary the server sends.</summary>
    internal static ServerEventUser FromInfo(IReadOnlyDictionary<string, string> info) => new()
    {
        UserId = info.GetValueOrDefault("userId") ?? string.Empty,
        DisplayName = info.GetValueOrDefault("displayName") ?? string.Empty,
        ProfileUrl = info.GetValueOrDefault("profileUrl"),
        IsAuthenticated = string.Equals(info.GetValueOrDefault("isAuthenticated"), "true", StringComparison.OrdinalIgnoreCase),
        CreatedAt = long.TryParse(info.GetValueOrDefault("createdAt"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null,
        Channels = SplitChannels(info.GetValueOrDefault("channels")),
        Meta = info.Where(pair => !KnownKeys.Contains(pair.Key)).ToDictionary(StringComparer.Ordinal),
    };

    internal static string[] SplitChannels(string? channels) =>
        string.IsNullOrEmpty(channels) ? [] : channels.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
