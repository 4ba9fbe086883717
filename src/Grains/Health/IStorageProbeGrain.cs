namespace ServerEvents.Grains.Health;

/// <summary>Proves the cluster and its grain storage answer: a health check reads one record through the storage.</summary>
[Alias("server-events.IStorageProbeGrain")]
public interface IStorageProbeGrain : IGrainWithStringKey
{
    /// <summary>Reads a record from the grain storage; throws when the storage cannot be reached.</summary>
    [Alias("Check")]
    Task CheckAsync();
}
