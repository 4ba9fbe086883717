namespace ServerEvents.Grains.Nodes;

/// <summary>The live front-ends, as the registry knows them.</summary>
/// <param name="Nodes">The front-ends whose registration has not expired.</param>
/// <param name="Everyone">
/// True while the registry has just been activated and has not yet heard every front-end renew: until then no
/// front-end counts as dead.
/// </param>
[GenerateSerializer, Immutable, Alias("server-events.LiveNodeSet")]
public sealed record LiveNodeSet([property: Id(0)] IReadOnlyList<string> Nodes, [property: Id(1)] bool Everyone)
{
    /// <summary>Whether <paramref name="nodeId"/> is alive.</summary>
    public bool Contains(string nodeId) => Everyone || Nodes.Contains(nodeId, StringComparer.Ordinal);
}
