using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Storage;
using ServerEvents.Grains.Hosting;
using ServerEvents.Grains.Nodes;
using ServerEvents.Grains.Storage;

namespace ServerEvents.Grains.Directory;

/// <summary>
/// A directory partition. The subscriptions are spread over <see cref="Shards"/> storage records, so a join rewrites
/// one small shard; concurrent changes share one round of writes, and the joins of one round share one shard. The
/// channel and user index is derived from the records in memory, so a join, a leave or a channel change is one write
/// here and nothing anywhere else, and the index can never disagree with the records. Heartbeats are kept in memory:
/// after a reactivation every subscription counts as alive from then on, which gives it one more idle timeout to be heard.
/// </summary>
[Reentrant]
public sealed class SubscriptionPartitionGrain : Grain, ISubscriptionPartitionGrain
{
    /// <summary>Storage records per partition.</summary>
    public const int Shards = 32;

    private readonly Dictionary<string, DateTimeOffset> _lastPulse = new(StringComparer.Ordinal);
    private readonly SubscriptionIndex _index = new();
    private ShardedMap<SubscriptionRecord> _subscriptions = null!;
    private LiveNodes _liveNodes = null!;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(OrleansNames.GrainStorage);
        _subscriptions = new ShardedMap<SubscriptionRecord>(storage, this.GetGrainId(), "subscriptions", Shards, DeactivateOnIdle);
        await _subscriptions.LoadAsync();
        var now = (ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        foreach (var (id, subscription) in _subscriptions.Entries)
        {
            _lastPulse[id] = now;
            _index.Replace(null, subscription);
        }

        var key = this.GetPrimaryKeyString();
        _liveNodes = new LiveNodes(GrainFactory.GetGrain<INodeRegistryGrain>(key[..key.LastIndexOf('/')]));
    }

    /// <inheritdoc />
    public async Task AddAsync(SubscriptionRecord subscription, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        Store(subscription);
        _lastPulse[subscription.Id] = now;
        await _subscriptions.SaveAsync();
    }

    /// <inheritdoc />
    public async Task<SubscriptionRecord?> RemoveAsync(string subscriptionId)
    {
        if (!Drop(subscriptionId, out var removed))
        {
            return null;
        }

        await _subscriptions.SaveAsync();
        return removed;
    }

    /// <inheritdoc />
    public async Task<SubscriptionRecord?> PulseAsync(string subscriptionId, DateTimeOffset now)
    {
        if (!_subscriptions.TryGetValue(subscriptionId, out var subscription))
        {
            return null;
        }

        // Only a live front-end can still hold the stream: for any other, the heartbeat is refused so the client
        // subscribes again, and the idle sweep expires the old subscription with its leave notices.
        if (!await _liveNodes.IsAliveAsync(subscription.NodeId))
        {
            return null;
        }

        if (!_lastPulse.TryGetValue(subscriptionId, out var last) || last < now)
        {
            _lastPulse[subscriptionId] = now;
        }

        return subscription;
    }

    /// <inheritdoc />
    public async Task<SubscriptionUpdate?> UpdateChannelsAsync(string subscriptionId, IReadOnlyList<string> unsubscribe, IReadOnlyList<string> subscribe)
    {
        ArgumentNullException.ThrowIfNull(unsubscribe);
        ArgumentNullException.ThrowIfNull(subscribe);
        if (!_subscriptions.TryGetValue(subscriptionId, out var before))
        {
            return null;
        }

        var channels = before.Channels.Where(c => !unsubscribe.Contains(c)).ToList();
        channels.AddRange(subscribe.Distinct().Where(c => !channels.Contains(c)));
        var after = before with { Channels = channels };
        Store(after);
        await _subscriptions.SaveAsync();
        return new SubscriptionUpdate(before, after);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SubscriptionRecord>> GetManyAsync(IReadOnlyList<string> subscriptionIds)
    {
        ArgumentNullException.ThrowIfNull(subscriptionIds);
        var found = new List<SubscriptionRecord>();
        foreach (var id in subscriptionIds)
        {
            if (_subscriptions.TryGetValue(id, out var subscription))
            {
                found.Add(subscription);
            }
        }

        return Task.FromResult<IReadOnlyList<SubscriptionRecord>>(found);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SubscriptionRecord>> GetByChannelsAsync(IReadOnlyList<string> channels)
    {
        ArgumentNullException.ThrowIfNull(channels);
        return GetManyAsync([.. _index.InChannels(channels)]);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SubscriptionRecord>> GetByUserAsync(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        return GetManyAsync([.. _index.OfUser(userId)]);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SubscriptionRecord>> GetAllAsync() =>
        Task.FromResult<IReadOnlyList<SubscriptionRecord>>([.. _subscriptions.Entries.Select(e => e.Value)]);

    /// <inheritdoc />
    /// <remarks>The grain runs one turn at a time, so each expired subscription is removed, and returned, once.</remarks>
    public async Task<IReadOnlyList<SubscriptionRecord>> RemoveIdleAsync(DateTimeOffset cutoff)
    {
        var expired = new List<SubscriptionRecord>();
        foreach (var (id, last) in _lastPulse.Where(p => p.Value < cutoff).ToList())
        {
            _lastPulse.Remove(id);
            if (Drop(id, out var removed))
            {
                expired.Add(removed);
            }
        }

        if (expired.Count > 0)
        {
            await _subscriptions.SaveAsync();
        }

        return expired;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SubscriptionRecord>> ClearAsync()
    {
        var removed = new List<SubscriptionRecord>();
        foreach (var id in _subscriptions.Entries.Select(e => e.Key).ToList())
        {
            if (Drop(id, out var subscription))
            {
                removed.Add(subscription);
            }
        }

        await _subscriptions.SaveAsync();
        return removed;
    }

    private void Store(SubscriptionRecord subscription)
    {
        _subscriptions.TryGetValue(subscription.Id, out var previous);
        _subscriptions.Set(subscription.Id, subscription);
        _index.Replace(previous, subscription);
    }

    private bool Drop(string subscriptionId, out SubscriptionRecord removed)
    {
        _lastPulse.Remove(subscriptionId);
        if (!_subscriptions.Remove(subscriptionId, out removed))
        {
            return false;
        }

        _index.Remove(removed);
        return true;
    }
}
