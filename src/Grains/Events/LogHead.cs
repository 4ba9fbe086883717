namespace ServerEvents.Grains.Events;

/// <summary>
/// The sequencer's grain state: the newest position it handed out, the log's epoch, the first segment still kept, and
/// where the commits of the open segment start (at most <see cref="LogSegment.SegmentSize"/> numbers). Every group
/// commit writes it first, fenced by the storage ETag, so a second activation cannot hand out the same positions.
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

    /// <summary>The first position of each commit (chunk) of the open segment, oldest first.</summary>
    [Id(3)]
    public List<long> OpenChunks { get; set; } = [];
}
