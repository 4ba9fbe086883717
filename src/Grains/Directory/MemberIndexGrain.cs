using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Storage;
using ServerEvents.Grains.Hosting;
using ServerEvents.Grains.Storage;

namespace ServerEvents.Grains.Directory;

/// <summary>
/// A set of subscription ids in <paramref name="shards"/> storage records: a join or leave rewrites the one shard
/// that holds the id, and joins that arrive together share one round of writes.
/// </summary>
[Reentrant]
public abstract class MemberIndexGrain(int shards) : Grain, IMemberIndexGrain
{
    private ShardedMap<byte> _members = null!;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(OrleansNames.GrainStorage);
        _members = new ShardedMap<byte>(storage, this.GetGrainId(), "members", shards);
        await _members.LoadAsync();
    }

    /// <inheritdoc />
    public Task AddAsync(IReadOnlyList<string> subscriptionIds)
    {
        ArgumentNullException.ThrowIfNull(subscriptionIds);
        foreach (var id in subscriptionIds)
        {
            _members.Set(id, 0);
        }

        return _members.SaveAsync();
    }

    /// <inheritdoc />
    public async Task RemoveAsync(IReadOnlyList<string> subscriptionIds)
    {
        ArgumentNullException.ThrowIfNull(subscriptionIds);
        var removed = false;
        foreach (var id in subscriptionIds)
        {
            removed |= _members.Remove(id, out _);
        }

        if (removed)
        {
            await _members.SaveAsync();
        }

        if (_members.Count == 0)
        {
            // An empty channel or user is common and not worth a resident activation.
            DeactivateOnIdle();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetMembersAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. _members.Entries.Select(e => e.Key)]);
}

/// <summary>The members of a channel, in 16 shards.</summary>
public sealed class ChannelGrain() : MemberIndexGrain(16), IChannelGrain;

/// <summary>The subscriptions of a user: a handful, so one record.</summary>
public sealed class UserGrain() : MemberIndexGrain(1), IUserGrain;
