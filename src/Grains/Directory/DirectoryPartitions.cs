using ServerEvents.Grains.Storage;

namespace ServerEvents.Grains.Directory;

/// <summary>
/// How subscriptions are spread over the directory partitions: a fixed number of grains per deployment, chosen by a
/// stable hash of the subscription id, so "every subscription" and "every idle subscription" are a call to each.
/// </summary>
public static class DirectoryPartitions
{
    /// <summary>The number of partitions. Stored keys depend on it: changing it strands existing subscriptions.</summary>
    public const int Count = 8;

    /// <summary>The partition that holds <paramref name="subscriptionId"/>.</summary>
    public static int Of(string subscriptionId) => (int)(KeyHash.Of(subscriptionId) % Count);

    /// <summary>The grain key of partition <paramref name="partition"/> of <paramref name="scope"/>.</summary>
    public static string Key(string scope, int partition) => $"{scope}/{partition}";
}
