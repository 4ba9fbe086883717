namespace ServerEvents.Bench.GcPauses;

/// <summary>One garbage collection as the runtime's GC events describe it.</summary>
internal sealed class Collection
{
    /// <summary>The runtime's count of collections, which numbers this one.</summary>
    public required int Number { get; init; }

    /// <summary>Seconds from the start of the trace to the collection's start.</summary>
    public required double StartSeconds { get; init; }

    /// <summary>The generation collected (0, 1 or 2).</summary>
    public required int Generation { get; init; }

    /// <summary>Why the runtime collected (AllocSmall: the gen0 budget was used up).</summary>
    public required string Reason { get; init; }

    /// <summary>
    /// Blocking (every thread waits for the whole collection), background (a gen2 collection that runs beside the
    /// program, which waits only for its short start) or foreground (a young collection during a background one).
    /// </summary>
    public required string Kind { get; init; }

    /// <summary>From the start of suspending managed threads to their restart: what every request in flight waited.</summary>
    public double PauseMs { get; set; }

    /// <summary>
    /// The longest time one GC heap spent marking through references from older generations into the collected
    /// ones (the card table), the part of a young collection that grows with the old heap rather than the young one.
    /// </summary>
    public double MarkOlderMs { get; set; }

    /// <summary>Bytes that survived and were promoted out of the collected generations.</summary>
    public long PromotedBytes { get; set; }

    /// <summary>Bytes in gen0, gen1 and gen2 after the collection.</summary>
    public long[] GenerationBytes { get; set; } = new long[3];
}
