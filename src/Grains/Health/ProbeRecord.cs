namespace ServerEvents.Grains.Health;

/// <summary>The record the storage probe reads; it is never written.</summary>
[GenerateSerializer, Alias("server-events.ProbeRecord")]
public sealed class ProbeRecord
{
    /// <summary>Unused.</summary>
    [Id(0)]
    public int Value { get; set; }
}
