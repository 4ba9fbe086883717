using ServerEvents.Subscriptions;

namespace ServerEvents.Cluster;

/// <summary>Who an event is for.</summary>
public enum EventTargetKind
{
    /// <summary>Every subscription.</summary>
    All,

    /// <summary>Every subscription in one channel.</summary>
    Channel,

    /// <summary>One subscription, by id.</summary>
    Subscription,

    /// <summary>Every subscription of one user id.</summary>
    UserId,

    /// <summary>Every subscription of one user name.</summary>
    UserName,

    /// <summary>Every subscription of one session.</summary>
    Session,
}

/// <summary>
/// The audience of an event: a kind, its key, and for the targeted kinds an optional channel filter.
/// </summary>
/// <param name="Kind">Who the event is for.</param>
/// <param name="Key">The channel, subscription id, user id, user name or session id; <see langword="null"/> for <see cref="EventTargetKind.All"/>.</param>
/// <param name="ChannelFilter">For the targeted kinds: deliver only to subscriptions in this channel.</param>
public readonly record struct EventTarget(EventTargetKind Kind, string? Key, string? ChannelFilter = null)
{
    /// <summary>Every subscription.</summary>
    public static EventTarget All { get; } = new(EventTargetKind.All, null);

    /// <summary>
    /// Whether a replay should hand this event to a new subscription: subscription-targeted events
    /// belong to a connection that no longer exists, so they are never replayed.
    /// </summary>
    public bool IsReplayable => Kind != EventTargetKind.Subscription;

    /// <summary>Whether the subscription described by <paramref name="info"/> is part of this audience.</summary>
    public bool Includes(SubscriptionInfo info)
    {
        var keyMatches = Kind switch
        {
            EventTargetKind.All => true,
            EventTargetKind.Channel => info.Channels.Contains(Key!, StringComparer.Ordinal),
            EventTargetKind.Subscription => info.Id == Key,
            EventTargetKind.UserId => info.UserId == Key,
            EventTargetKind.UserName => info.UserName == Key,
            EventTargetKind.Session => info.SessionId == Key,
            _ => false,
        };
        return keyMatches && (ChannelFilter is null || info.Channels.Contains(ChannelFilter, StringComparer.Ordinal));
    }
}
