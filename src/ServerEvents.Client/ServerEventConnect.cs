using System.Globalization;

namespace ServerEvents.Client;

/// <summary>The arguments of <c>cmd.onConnect</c>: who the subscription is and where its side endpoints are.</summary>
public sealed class ServerEventConnect
{
    /// <summary>The subscription id; a reconnect gets a new one.</summary>
    public required string Id { get; init; }

    /// <summary>Who subscribed (user id, display name, channels, meta).</summary>
    public required ServerEventUser User { get; init; }

    /// <summary>The user id; <c>-n</c> for anonymous users.</summary>
    public string UserId => User.UserId;

    /// <summary>The name shown to other users.</summary>
    public string DisplayName => User.DisplayName;

    /// <summary>The channels the server put the subscription in.</summary>
    public IReadOnlyList<string> Channels => User.Channels;

    /// <summary>Where heartbeats are posted; <see langword="null"/> when the server disabled the endpoint.</summary>
    public Uri? HeartbeatUrl { get; init; }

    /// <summary>Where the subscription is removed; <see langword="null"/> when the server disabled the endpoint.</summary>
    public Uri? UnRegisterUrl { get; init; }

    /// <summary>Where channel changes are posted; <see langword="null"/> when the server disabled the endpoint.</summary>
    public Uri? UpdateSubscriberUrl { get; init; }

    /// <summary>How often the server wants a heartbeat, in milliseconds; 0 when it did not say.</summary>
    public long HeartbeatIntervalMs { get; init; }

    /// <summary>How long the server keeps a silent subscription, in milliseconds; 0 when it did not say.</summary>
    public long IdleTimeoutMs { get; init; }

    /// <summary>
    /// The epoch of the log the stream's ids come from, sent back with the resume cursor so the server can tell a cursor
    /// of another log (a restarted or recreated one) from its own; <see langword="null"/> from a server without epochs
    /// (ServiceStack).
    /// </summary>
    public string? Epoch { get; init; }

    /// <summary>Every argument as the server sent it, including any added by its on-connect hook.</summary>
    public required IReadOnlyDictionary<string, string> Raw { get; init; }

    /// <summary>Reads the onConnect arguments; relative URLs are resolved against <paramref name="baseUri"/>.</summary>
    internal static ServerEventConnect FromInfo(IReadOnlyDictionary<string, string> info, Uri baseUri) => new()
    {
        Id = info.GetValueOrDefault("id") ?? throw new FormatException("cmd.onConnect carried no subscription id."),
        User = ServerEventUser.FromInfo(info),
        HeartbeatUrl = Resolve(baseUri, info.GetValueOrDefault("heartbeatUrl")),
        UnRegisterUrl = Resolve(baseUri, info.GetValueOrDefault("unRegisterUrl")),
        UpdateSubscriberUrl = Resolve(baseUri, info.GetValueOrDefault("updateSubscriberUrl")),
        HeartbeatIntervalMs = Milliseconds(info.GetValueOrDefault("heartbeatIntervalMs")),
        IdleTimeoutMs = Milliseconds(info.GetValueOrDefault("idleTimeoutMs")),
        Epoch = info.GetValueOrDefault("epoch") is { Length: > 0 } epoch ? epoch : null,
        Raw = info,
    };

    private static Uri? Resolve(Uri baseUri, string? url) => string.IsNullOrEmpty(url) ? null : new Uri(baseUri, url);

    private static long Milliseconds(string? value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : 0;
}
