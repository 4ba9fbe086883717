namespace ServerEvents.Grains.Events;

/// <summary>
/// The sequencer's grain state: the last stored position it knew of, the log's epoch, the first segment still kept, how
/// many segments are sealed, and where the commits not yet sealed start (a handful of numbers: chunks are dropped from it
/// once their segment is sealed). Written off the commit path, fenced by the storage ETag; commits created after it
/// was written are found by walking the chain of chunks from <see cref="Head"/> + 1.
/// </summary>
[GenerateSerializer, Alias("server-events.LogHead")]
public sealed class LogHead
{
    /// <summary>
    /// The last position stored when the head was written. Heads written before commits became chunk creates named
    /// positions handed out but perhaps never stored; a new activation voids those.
    /// </summary>
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

    /// <summary>
    /// The last position an activation may hand to the stream before storing it (<see cref="LogFanOut.BeforeCommit"/>);
    /// never less than any position so handed out. A new activation stores those of them no chunk holds as voids, so
    /// none is ever reused; <see cref="Head"/> or less when nothing was reserved.
    /// </summary>
    [Id(5)]
    public long Reserved { get; set; }

    /// <summary>
    /// How many positions one segment covers (<see cref="LogSegmentation"/>), chosen when the log is created; heads
    /// written before it was recorded leave it 0, meaning <see cref="LogSegment.FirstSize"/>.
    /// </summary>
    [Id(6)]
    public int SegmentSize { get; set; }
}
