namespace ServerEvents.Grains.Sequences;

/// <summary>
/// The value a named sequence gave one key (keyed <c>{scope}/{name}/{key}</c>), such as the <c>userN</c> number of
/// an anonymous browser session: every front-end asks the same grain, so all get the same answer, also after restarts.
/// </summary>
[Alias("server-events.ISequenceKeyGrain")]
public interface ISequenceKeyGrain : IGrainWithStringKey
{
    /// <summary>
    /// Returns the key's value, reserving it from the <see cref="ISequenceGrain"/> keyed <paramref name="sequence"/>
    /// the first time; answered after the value is durable.
    /// </summary>
    [Alias("GetOrReserve")]
    Task<long> GetOrReserveAsync(string sequence);
}
