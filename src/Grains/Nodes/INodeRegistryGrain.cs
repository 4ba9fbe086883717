using Orleans.Concurrency;

namespace ServerEvents.Grains.Nodes;

/// <summary>
/// The live front-ends of a deployment (keyed by its scope). Each front-end renews its registration on a timer; one
/// that stops renewing is dead, its subscriptions' heartbeats are refused, and the idle sweep expires them.
/// </summary>
[Alias("server-events.INodeRegistryGrain")]
public interface INodeRegistryGrain : IGrainWithStringKey
{
    /// <summary>Registers or renews <paramref name="nodeId"/> for <paramref name="timeToLive"/>.</summary>
    [Alias("Renew")]
    Task RenewAsync(string nodeId, TimeSpan timeToLive);

    /// <summary>Removes <paramref name="nodeId"/> (a clean stop).</summary>
    [Alias("Remove")]
    Task RemoveAsync(string nodeId);

    /// <summary>The live front-ends.</summary>
    [Alias("GetLive"), ReadOnly]
    Task<LiveNodeSet> GetLiveAsync();
}
