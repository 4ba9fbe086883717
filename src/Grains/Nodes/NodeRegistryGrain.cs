using Microsoft.Extensions.DependencyInjection;

namespace ServerEvents.Grains.Nodes;

/// <summary>
/// Keeps the registrations in memory only: they are renewed every few seconds, so after a reactivation they are all
/// back within one renewal period, during which every front-end counts as alive.
/// </summary>
public sealed class NodeRegistryGrain : Grain, INodeRegistryGrain
{
    private TimeProvider _time = TimeProvider.System;
    private readonly Dictionary<string, DateTimeOffset> _expiresAt = new(StringComparer.Ordinal);
    private DateTimeOffset _graceUntil;

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _time = ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        _graceUntil = DateTimeOffset.MinValue;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RenewAsync(string nodeId, TimeSpan timeToLive)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        var now = _time.GetUtcNow();
        if (_expiresAt.Count == 0 && _graceUntil == DateTimeOffset.MinValue)
        {
            // The first renewal after activation: the others renew within the same period.
            _graceUntil = now + timeToLive;
        }

        _expiresAt[nodeId] = now + timeToLive;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RemoveAsync(string nodeId)
    {
        _expiresAt.Remove(nodeId);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<LiveNodeSet> GetLiveAsync()
    {
        var now = _time.GetUtcNow();
        foreach (var dead in _expiresAt.Where(p => p.Value < now).Select(p => p.Key).ToList())
        {
            _expiresAt.Remove(dead);
        }

        return Task.FromResult(new LiveNodeSet([.. _expiresAt.Keys], now < _graceUntil || _graceUntil == DateTimeOffset.MinValue));
    }
}
