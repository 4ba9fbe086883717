namespace ServerEvents.Grains.Events;

/// <summary>
/// The sequencer's grain state: the newest position it handed out, the log's epoch, the first segment still kept, how
/// many segments are sealed, and where the commits not yet sealed start (a handful of numbers: chunks are dropped from it
/// once their segment is sealed). Every group commit writes it first, fenced by the storage ETag, so a second activation
/// cannot hand out the same positions.
/// </summary>
[GenerateSerializer, Alias("server-events.LogHead")]
public sealed class LogHead
{
    /// <summary>The newest position handed out.</summary>
    [Id(0)]
    public long Head { get; set; }

    /// <summary>Chosen when the log is created; a reader that sees another epoch knows its cursor belongs to another log.</summary>
    [Id(1)]
    public long Epoch { get; set; }

    /// <summary>The first segment not yet trimmed.</summary>
    [Id(2)]
    public long FirstSegment { get; set; }

    /// <summary>The first position of each commit (chunk) not yet wholly inside a sealed segment, oldest first.</summary>
    [Id(3)]
    public List<long> OpenChunks { get; set; } = [];

    /// <summary>How many segments, from segment 0, have been written whole (sealed); older heads leave it 0.</summary>
    [Id(4)]
    public long SealedSegments { get; set; }
}
