using Microsoft.Extensions.DependencyInjection;
using ServerEvents.Grains.Hosting;

namespace ServerEvents.Grains.Nodes;

/// <summary>
/// Keeps the expiry of each registration in memory (renewals cost no write) and the set of registered front-ends in
/// storage, written only when a front-end joins, leaves or lapses. After a reactivation every stored front-end gets a
/// fresh time to live, so none counts as dead merely because the registry moved to another silo.
/// </summary>
public sealed class NodeRegistryGrain : Grain, INodeRegistryGrain
{
    private readonly IPersistentState<RegisteredNodes> _registered;
    private readonly Dictionary<string, DateTimeOffset> _expiresAt = new(StringComparer.Ordinal);
    private TimeProvider _time = TimeProvider.System;

    /// <summary>Creates the grain.</summary>
    public NodeRegistryGrain([PersistentState("nodes", OrleansNames.GrainStorage)] IPersistentState<RegisteredNodes> registered)
    {
        _registered = registered;
    }

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _time = ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        var now = _time.GetUtcNow();
        foreach (var (nodeId, timeToLive) in _registered.State.TimeToLive)
        {
            _expiresAt[nodeId] = now + timeToLive;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task RenewAsync(string nodeId, TimeSpan timeToLive)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        _expiresAt[nodeId] = _time.GetUtcNow() + timeToLive;
        if (!_registered.State.TimeToLive.TryGetValue(nodeId, out var stored) || stored != timeToLive)
        {
            _registered.State.TimeToLive[nodeId] = timeToLive;
            await _registered.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string nodeId)
    {
        _expiresAt.Remove(nodeId);
        if (_registered.State.TimeToLive.Remove(nodeId))
        {
            await _registered.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public async Task<LiveNodeSet> GetLiveAsync()
    {
        var now = _time.GetUtcNow();
        var lapsed = _expiresAt.Where(p => p.Value < now).Select(p => p.Key).ToList();
        foreach (var nodeId in lapsed)
        {
            _expiresAt.Remove(nodeId);
            _registered.State.TimeToLive.Remove(nodeId);
        }

        if (lapsed.Count > 0)
        {
            await _registered.WriteStateAsync();
        }

        return new LiveNodeSet([.. _expiresAt.Keys]);
    }
}
