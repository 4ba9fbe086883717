namespace ServerEvents.Grains.Nodes;

/// <summary>The front-ends registered with the registry, each with the time to live it renews for.</summary>
[GenerateSerializer, Alias("server-events.RegisteredNodes")]
public sealed class RegisteredNodes
{
    /// <summary>Node id to time to live.</summary>
    [Id(0)]
    public Dictionary<string, TimeSpan> TimeToLive { get; set; } = new(StringComparer.Ordinal);
}
