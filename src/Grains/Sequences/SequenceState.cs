namespace ServerEvents.Grains.Sequences;

/// <summary>The last value a sequence handed out.</summary>
[GenerateSerializer, Alias("server-events.SequenceState")]
public sealed class SequenceState
{
    /// <summary>The last value handed out; 0 before the first.</summary>
    [Id(0)]
    public long Last { get; set; }
}
