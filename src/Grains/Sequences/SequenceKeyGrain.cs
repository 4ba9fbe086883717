using ServerEvents.Grains.Hosting;

namespace ServerEvents.Grains.Sequences;

/// <summary>
/// Not reentrant: callers that race for a new key wait for the first one's reservation and write, and all get its
/// value. The write is fenced by the storage ETag, so a second activation cannot store a different value; after a
/// failed write the grain deactivates and the next activation reads what is durable (a reserved value that was
/// never stored is skipped, never reused).
/// </summary>
public sealed class SequenceKeyGrain : Grain, ISequenceKeyGrain
{
    private readonly IPersistentState<SequenceKeyState> _state;

    /// <summary>Creates the grain.</summary>
    public SequenceKeyGrain([PersistentState("sequence-key", OrleansNames.GrainStorage)] IPersistentState<SequenceKeyState> state) =>
        _state = state;

    /// <inheritdoc />
    public async Task<long> GetOrReserveAsync(string sequence)
    {
        ArgumentException.ThrowIfNullOrEmpty(sequence);
        if (_state.State.Value > 0)
        {
            return _state.State.Value;
        }

        var value = await GrainFactory.GetGrain<ISequenceGrain>(sequence).ReserveAsync(1);
        _state.State.Value = value;
        try
        {
            await _state.WriteStateAsync();
        }
        catch
        {
            _state.State.Value = 0;
            DeactivateOnIdle();
            throw;
        }

        return value;
    }
}
