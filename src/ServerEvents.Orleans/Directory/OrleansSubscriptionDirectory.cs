using Microsoft.Extensions.Options;
using ServerEvents.Cluster;
using ServerEvents.Grains.Directory;
using ServerEvents.Subscriptions;

namespace ServerEvents.Orleans.Directory;

/// <summary>
/// The subscription directory over grains. A subscription lives in one directory partition (chosen by a hash of its
/// id), which holds its record durably, its heartbeat in memory, and indexes it by channel and user in memory. A join,
/// a leave or a channel change is therefore one grain call that writes one record, acknowledged once durable, and a
/// lookup by channel or user asks every partition at once (there are <see cref="DirectoryPartitions.Count"/>).
/// </summary>
public sealed class OrleansSubscriptionDirectory : ISubscriptionDirectory
{
    private readonly IClusterClient _client;
    private readonly string _scope;

    /// <summary>Creates the directory.</summary>
    public OrleansSubscriptionDirectory(IClusterClient client, IOptions<OrleansClusterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _scope = options.Value.Scope;
    }

    /// <inheritdoc />
    public async ValueTask AddAsync(SubscriptionInfo subscription, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await ClusterCall.RunAsync(Partition(subscription.Id).AddAsync(subscription.ToRecord(), now), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SubscriptionInfo?> RemoveAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        (await ClusterCall.RunAsync(Partition(subscriptionId).RemoveAsync(subscriptionId), cancellationToken).ConfigureAwait(false))?.ToInfo();

    /// <inheritdoc />
    public async ValueTask<SubscriptionInfo?> PulseAsync(string subscriptionId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        (await ClusterCall.RunAsync(Partition(subscriptionId).PulseAsync(subscriptionId, now), cancellationToken).ConfigureAwait(false))?.ToInfo();

    /// <inheritdoc />
    public async ValueTask<SubscriptionChange?> UpdateChannelsAsync(
        string subscriptionId,
        IReadOnlyCollection<string> unsubscribe,
        IReadOnlyCollection<string> subscribe,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(unsubscribe);
        ArgumentNullException.ThrowIfNull(subscribe);
        // One turn of one grain changes the record and its index together, so concurrent changes of one subscription
        // (or a change racing its leave) cannot leave an index entry behind or miss one.
        var update = await ClusterCall.RunAsync(
            Partition(subscriptionId).UpdateChannelsAsync(subscriptionId, [.. unsubscribe], [.. subscribe]),
            cancellationToken).ConfigureAwait(false);
        return update is null ? null : new SubscriptionChange(update.Before.ToInfo(), update.After.ToInfo());
    }

    /// <inheritdoc />
    public async ValueTask<SubscriptionInfo?> GetAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        var found = await ClusterCall.RunAsync(Partition(subscriptionId).GetManyAsync([subscriptionId]), cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0].ToInfo();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SubscriptionInfo>> GetByUserIdAsync(string userId, CancellationToken cancellationToken = default)
    {
        var found = await ClusterCall.RunAsync(Task.WhenAll(Partitions().Select(p => p.GetByUserAsync(userId))), cancellationToken).ConfigureAwait(false);
        return Ordered(found);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SubscriptionInfo>> GetByChannelsAsync(IReadOnlyCollection<string>? channels, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string>? wanted = channels is null || channels.Count == 0 ? null : [.. channels.Distinct()];
        var found = await ClusterCall.RunAsync(
            Task.WhenAll(Partitions().Select(p => wanted is null ? p.GetAllAsync() : p.GetByChannelsAsync(wanted))),
            cancellationToken).ConfigureAwait(false);
        return Ordered(found);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SubscriptionInfo>> RemoveIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var expired = await ClusterCall.RunAsync(Task.WhenAll(Partitions().Select(p => p.RemoveIdleAsync(cutoff))), cancellationToken).ConfigureAwait(false);
        return [.. expired.SelectMany(e => e).Select(r => r.ToInfo())];
    }

    /// <inheritdoc />
    public async ValueTask ClearAsync(CancellationToken cancellationToken = default) =>
        await ClusterCall.RunAsync(Task.WhenAll(Partitions().Select(p => p.ClearAsync())), cancellationToken).ConfigureAwait(false);

    private static List<SubscriptionInfo> Ordered(IEnumerable<IReadOnlyList<SubscriptionRecord>> partitions) =>
        [.. partitions.SelectMany(p => p).OrderBy(r => r.CreatedAt).Select(r => r.ToInfo())];

    private ISubscriptionPartitionGrain Partition(string subscriptionId) => Partition(DirectoryPartitions.Of(subscriptionId));

    private ISubscriptionPartitionGrain Partition(int partition) =>
        _client.GetGrain<ISubscriptionPartitionGrain>(DirectoryPartitions.Key(_scope, partition));

    private IEnumerable<ISubscriptionPartitionGrain> Partitions() => Enumerable.Range(0, DirectoryPartitions.Count).Select(Partition);
}
