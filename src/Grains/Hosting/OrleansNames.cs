namespace ServerEvents.Grains.Hosting;

/// <summary>
/// The provider names silos and front-ends agree on. The grains ask for these by name; the silo host decides what
/// backs them (Azure Blob storage in a real silo, memory in the in-process test cluster).
/// </summary>
public static class OrleansNames
{
    /// <summary>The grain storage every server-events grain persists its state in.</summary>
    public const string GrainStorage = "server-events";

    /// <summary>The storage Orleans keeps stream subscriptions (pub-sub state) in; its conventional name.</summary>
    public const string PubSubStore = "PubSubStore";

    /// <summary>The stream provider that carries the fan-out from the cluster to the front-ends.</summary>
    public const string StreamProvider = "server-events";
}
