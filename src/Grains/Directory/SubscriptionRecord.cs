namespace ServerEvents.Grains.Directory;

/// <summary>A subscription as the directory stores it: the front-end's subscription info, field by field.</summary>
[GenerateSerializer, Immutable, Alias("server-events.SubscriptionRecord")]
public sealed record SubscriptionRecord
{
    /// <summary>The subscription id.</summary>
    [Id(0)]
    public required string Id { get; init; }

    /// <summary>The user id.</summary>
    [Id(1)]
    public required string UserId { get; init; }

    /// <summary>The user name, when signed in.</summary>
    [Id(2)]
    public string? UserName { get; init; }

    /// <summary>The display name.</summary>
    [Id(3)]
    public required string DisplayName { get; init; }

    /// <summary>The session id.</summary>
    [Id(4)]
    public string? SessionId { get; init; }

    /// <summary>The profile picture.</summary>
    [Id(5)]
    public string? ProfileUrl { get; init; }

    /// <summary>Whether the user is signed in.</summary>
    [Id(6)]
    public bool IsAuthenticated { get; init; }

    /// <summary>The channels, in order.</summary>
    [Id(7)]
    public required IReadOnlyList<string> Channels { get; init; }

    /// <summary>When the subscription was created.</summary>
    [Id(8)]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The front-end that holds the connection.</summary>
    [Id(9)]
    public required string NodeId { get; init; }

    /// <summary>Custom public meta.</summary>
    [Id(10)]
    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();
}
