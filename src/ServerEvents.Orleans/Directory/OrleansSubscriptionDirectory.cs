using Microsoft.Extensions.Options;
using ServerEvents.Cluster;
using ServerEvents.Grains.Directory;
using ServerEvents.Subscriptions;

namespace ServerEvents.Orleans.Directory;

/// <summary>
/// The subscription directory over grains. A subscription lives in one directory partition (chosen by a hash of its
/// id), which holds its record durably and its heartbeat in memory; channel and user grains index the ids. Index
/// entries are written before the subscription and removed after it, so an index may name a subscription that has
/// gone (readers check each id against its partition) but never misses one that exists.
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
        string[] ids = [subscription.Id];
        await ClusterCall.RunAsync(
            Task.WhenAll(subscription.Channels.Distinct().Select(c => Channel(c).AddAsync(ids)).Append(User(subscription.UserId).AddAsync(ids))),
            cancellationToken).ConfigureAwait(false);
        await ClusterCall.RunAsync(Partition(subscription.Id).AddAsync(subscription.ToRecord(), now), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<SubscriptionInfo?> RemoveAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        var removed = await ClusterCall.RunAsync(Partition(subscriptionId).RemoveAsync(subscriptionId), cancellationToken).ConfigureAwait(false);
        if (removed is null)
        {
            return null;
        }

        await RemoveFromIndexesAsync([removed], cancellationToken).ConfigureAwait(false);
        return removed.ToInfo();
    }

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
        var partition = Partition(subscriptionId);
        var current = await ClusterCall.RunAsync(partition.GetManyAsync([subscriptionId]), cancellationToken).ConfigureAwait(false);
        if (current.Count == 0)
        {
            return null;
        }

        string[] ids = [subscriptionId];
        var joining = subscribe.Distinct().Where(c => !current[0].Channels.Contains(c) || unsubscribe.Contains(c)).ToList();
        await ClusterCall.RunAsync(Task.WhenAll(joining.Select(c => Channel(c).AddAsync(ids))), cancellationToken).ConfigureAwait(false);
        var update = await ClusterCall.RunAsync(partition.UpdateChannelsAsync(subscriptionId, [.. unsubscribe], [.. subscribe]), cancellationToken).ConfigureAwait(false);
        if (update is null)
        {
            return null;
        }

        var left = update.Before.Channels.Except(update.After.Channels).ToList();
        await ClusterCall.RunAsync(Task.WhenAll(left.Select(c => Channel(c).RemoveAsync(ids))), cancellationToken).ConfigureAwait(false);
        return new SubscriptionChange(update.Before.ToInfo(), update.After.ToInfo());
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
        var ids = await ClusterCall.RunAsync(User(userId).GetMembersAsync(), cancellationToken).ConfigureAwait(false);
        var found = await LookUpAsync(ids, cancellationToken).ConfigureAwait(false);
        return [.. found.Where(r => r.UserId == userId).OrderBy(r => r.CreatedAt).Select(r => r.ToInfo())];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SubscriptionInfo>> GetByChannelsAsync(IReadOnlyCollection<string>? channels, CancellationToken cancellationToken = default)
    {
        if (channels is null || channels.Count == 0)
        {
            var all = await ClusterCall.RunAsync(Task.WhenAll(Partitions().Select(p => p.GetAllAsync())), cancellationToken).ConfigureAwait(false);
            return [.. all.SelectMany(p => p).OrderBy(r => r.CreatedAt).Select(r => r.ToInfo())];
        }

        var members = await ClusterCall.RunAsync(Task.WhenAll(channels.Distinct().Select(c => Channel(c).GetMembersAsync())), cancellationToken).ConfigureAwait(false);
        var found = await LookUpAsync([.. members.SelectMany(m => m).Distinct()], cancellationToken).ConfigureAwait(false);
        return [.. found.Where(r => r.Channels.Any(channels.Contains)).OrderBy(r => r.CreatedAt).Select(r => r.ToInfo())];
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SubscriptionInfo>> RemoveIdleAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        var expired = await ClusterCall.RunAsync(Task.WhenAll(Partitions().Select(p => p.RemoveIdleAsync(cutoff))), cancellationToken).ConfigureAwait(false);
        var removed = expired.SelectMany(e => e).ToList();
        await RemoveFromIndexesAsync(removed, cancellationToken).ConfigureAwait(false);
        return [.. removed.Select(r => r.ToInfo())];
    }

    /// <inheritdoc />
    public async ValueTask ClearAsync(CancellationToken cancellationToken = default)
    {
        var cleared = await ClusterCall.RunAsync(Task.WhenAll(Partitions().Select(p => p.ClearAsync())), cancellationToken).ConfigureAwait(false);
        await RemoveFromIndexesAsync([.. cleared.SelectMany(c => c)], cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<SubscriptionRecord>> LookUpAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var byPartition = ids.GroupBy(DirectoryPartitions.Of);
        var found = await ClusterCall.RunAsync(
            Task.WhenAll(byPartition.Select(g => Partition(g.Key).GetManyAsync([.. g]))),
            cancellationToken).ConfigureAwait(false);
        return [.. found.SelectMany(f => f)];
    }

    private async ValueTask RemoveFromIndexesAsync(IReadOnlyList<SubscriptionRecord> removed, CancellationToken cancellationToken)
    {
        if (removed.Count == 0)
        {
            return;
        }

        var byChannel = removed.SelectMany(r => r.Channels.Distinct().Select(c => (Channel: c, r.Id))).GroupBy(p => p.Channel, p => p.Id);
        var byUser = removed.GroupBy(r => r.UserId, r => r.Id);
        await ClusterCall.RunAsync(
            Task.WhenAll(
                byChannel.Select(g => Channel(g.Key).RemoveAsync([.. g]))
                    .Concat(byUser.Select(g => User(g.Key).RemoveAsync([.. g])))),
            cancellationToken).ConfigureAwait(false);
    }

    private ISubscriptionPartitionGrain Partition(string subscriptionId) => Partition(DirectoryPartitions.Of(subscriptionId));

    private ISubscriptionPartitionGrain Partition(int partition) =>
        _client.GetGrain<ISubscriptionPartitionGrain>(DirectoryPartitions.Key(_scope, partition));

    private IEnumerable<ISubscriptionPartitionGrain> Partitions() => Enumerable.Range(0, DirectoryPartitions.Count).Select(Partition);

    private IChannelGrain Channel(string channel) => _client.GetGrain<IChannelGrain>($"{_scope}/{channel}");

    private IUserGrain User(string userId) => _client.GetGrain<IUserGrain>($"{_scope}/{userId}");
}
