namespace ServerEvents.Grains.Sequences;

/// <summary>A named sequence (keyed <c>{scope}/{name}</c>): starts at 1, never hands out a value twice.</summary>
[Alias("server-events.ISequenceGrain")]
public interface ISequenceGrain : IGrainWithStringKey
{
    /// <summary>Reserves the next <paramref name="count"/> values and returns the first; answered after the new end is durable.</summary>
    [Alias("Reserve")]
    Task<long> ReserveAsync(int count);
}
