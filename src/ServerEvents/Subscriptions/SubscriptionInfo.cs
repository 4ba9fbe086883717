using System.Collections.ObjectModel;
using System.Globalization;

namespace ServerEvents.Subscriptions;

/// <summary>
/// What the cluster knows about one subscription: its identity, channels and custom meta.
/// Immutable once registered; a channel change produces a new instance.
/// </summary>
public sealed record SubscriptionInfo
{
    /// <summary>The subscription id: random, URL-safe and unguessable.</summary>
    public required string Id { get; init; }

    /// <summary>The user id; <c>-n</c> for anonymous users.</summary>
    public required string UserId { get; init; }

    /// <summary>The user name, when the user is signed in.</summary>
    public string? UserName { get; init; }

    /// <summary>The name shown to other users; <c>user{n}</c> for anonymous users.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The session id, from the configured claim or cookie.</summary>
    public string? SessionId { get; init; }

    /// <summary>A picture of the user, when known.</summary>
    public string? ProfileUrl { get; init; }

    /// <summary>Whether the user is signed in.</summary>
    public bool IsAuthenticated { get; init; }

    /// <summary>The channels the subscription is in.</summary>
    public required IReadOnlyList<string> Channels { get; init; }

    /// <summary>When the subscription was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The node that holds the connection.</summary>
    public required string NodeId { get; init; }

    /// <summary>Custom public meta, added by the on-created hook; sent with join, leave and update notices.</summary>
    public IReadOnlyDictionary<string, string> Meta { get; init; } = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>
    /// The public info sent in join, leave, update and heartbeat notices and by the subscribers endpoints:
    /// string values only, null values left out.
    /// </summary>
    public Dictionary<string, string> ToPublicInfo() => ToPublicInfo(int.MaxValue);

    /// <summary>
    /// The public info with a bounded <c>channels</c> value, for notices that are logged and sent to every channel
    /// of the subscription: the comma-joined list keeps the first whole names within
    /// <paramref name="maxChannelsLength"/> characters, and a shortened list comes with <c>channelCount</c>, the
    /// number of channels the subscription is in.
    /// </summary>
    public Dictionary<string, string> ToPublicInfo(int maxChannelsLength)
    {
        var channels = JoinChannels(maxChannelsLength, out var listed);
        var info = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["userId"] = UserId,
            ["isAuthenticated"] = IsAuthenticated ? "true" : "false",
            ["displayName"] = DisplayName,
            ["channels"] = channels,
            ["createdAt"] = CreatedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        };
        if (listed < Channels.Count)
        {
            info["channelCount"] = Channels.Count.ToString(CultureInfo.InvariantCulture);
        }
        if (ProfileUrl is not null)
        {
            info["profileUrl"] = ProfileUrl;
        }

        foreach (var (key, value) in Meta)
        {
            info.TryAdd(key, value);
        }

        return info;
    }

    private string JoinChannels(int maxLength, out int listed)
    {
        var length = -1;
        listed = 0;
        while (listed < Channels.Count && length + 1 + Channels[listed].Length <= maxLength)
        {
            length += 1 + Channels[listed].Length;
            listed++;
        }

        return listed == Channels.Count ? string.Join(',', Channels) : string.Join(',', Channels.Take(listed));
    }
}
