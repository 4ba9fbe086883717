namespace ServerEvents.Grains.Sequences;

/// <summary>The value a key was given.</summary>
[GenerateSerializer, Alias("server-events.SequenceKeyState")]
public sealed class SequenceKeyState
{
    /// <summary>The key's value; 0 before it has one (sequences start at 1).</summary>
    [Id(0)]
    public long Value { get; set; }
}
