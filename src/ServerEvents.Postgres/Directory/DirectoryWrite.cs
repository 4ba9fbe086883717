using ServerEvents.Subscriptions;

namespace ServerEvents.Postgres.Directory;

/// <summary>What a <see cref="DirectoryWrite"/> does to its subscription's row.</summary>
internal enum DirectoryWriteKind
{
    /// <summary>Inserts the row, or replaces it when the id is already there.</summary>
    Add,

    /// <summary>Deletes the row and returns it.</summary>
    Remove,

    /// <summary>Moves the row's last heartbeat and returns it, if its node is alive.</summary>
    Pulse,
}

/// <summary>
/// One of the writes every stream makes to the directory, waiting in the node's group commit
/// (<see cref="DirectoryBatchWriter"/>).
/// </summary>
internal sealed class DirectoryWrite
{
    private DirectoryWrite(DirectoryWriteKind kind, string id, SubscriptionInfo? subscription, DateTimeOffset at)
    {
        Kind = kind;
        Id = id;
        Subscription = subscription;
        At = at;
    }

    /// <summary>What the write does.</summary>
    public DirectoryWriteKind Kind { get; }

    /// <summary>The subscription's id.</summary>
    public string Id { get; }

    /// <summary>The row to add; null for the other kinds.</summary>
    public SubscriptionInfo? Subscription { get; }

    /// <summary>The heartbeat time an add or a pulse stores.</summary>
    public DateTimeOffset At { get; }

    /// <summary>Adds (or replaces) a subscription, heartbeating at <paramref name="now"/>.</summary>
    public static DirectoryWrite Add(SubscriptionInfo subscription, DateTimeOffset now) =>
        new(DirectoryWriteKind.Add, subscription.Id, subscription, now.ToUniversalTime());

    /// <summary>Removes a subscription.</summary>
    public static DirectoryWrite Remove(string subscriptionId) =>
        new(DirectoryWriteKind.Remove, subscriptionId, null, default);

    /// <summary>Records a heartbeat of a subscription at <paramref name="now"/>.</summary>
    public static DirectoryWrite Pulse(string subscriptionId, DateTimeOffset now) =>
        new(DirectoryWriteKind.Pulse, subscriptionId, null, now.ToUniversalTime());
}
