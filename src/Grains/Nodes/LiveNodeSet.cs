namespace ServerEvents.Grains.Nodes;

/// <summary>The live front-ends, as the registry knows them.</summary>
/// <param name="Nodes">The front-ends whose registration has not lapsed.</param>
[GenerateSerializer, Immutable, Alias("server-events.LiveNodeSet")]
public sealed record LiveNodeSet([property: Id(0)] IReadOnlyList<string> Nodes)
{
    /// <summary>Whether <paramref name="nodeId"/> is alive.</summary>
    public bool Contains(string nodeId) => Nodes.Contains(nodeId, StringComparer.Ordinal);
}
