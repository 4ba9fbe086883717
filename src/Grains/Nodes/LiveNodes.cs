namespace ServerEvents.Grains.Nodes;

/// <summary>A grain's cached view of the live front-ends, asked of the registry at most once per <see cref="Refresh"/>.</summary>
public sealed class LiveNodes(INodeRegistryGrain registry)
{
    /// <summary>How long an answer of the registry is reused.</summary>
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    private LiveNodeSet? _live;
    private long _fetchedAt;

    /// <summary>Whether <paramref name="nodeId"/> is alive.</summary>
    public async Task<bool> IsAliveAsync(string nodeId)
    {
        if (_live is null || TimeProvider.System.GetElapsedTime(_fetchedAt) > Refresh || !_live.Contains(nodeId))
        {
            _live = await registry.GetLiveAsync();
            _fetchedAt = TimeProvider.System.GetTimestamp();
        }

        return _live.Contains(nodeId);
    }
}
