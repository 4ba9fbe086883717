namespace ServerEvents.Grains.Events;

/// <summary>
/// The sequencer's only grain state: the newest position it handed out, the log's epoch, and the first segment still
/// kept. Every group commit writes it first, fenced by the storage ETag, so a second activation cannot hand out the
/// same positions.
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
}
