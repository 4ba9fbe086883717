using Orleans.Concurrency;
using ServerEvents.Grains.Hosting;
using ServerEvents.Grains.Storage;

namespace ServerEvents.Grains.Sequences;

/// <summary>
/// Reservations that arrive together share one write. The write is fenced by the storage ETag, so a second
/// activation cannot hand out values the first already did; after any failed write the grain deactivates and the
/// next activation reads the durable end (values reserved but never answered are skipped, never reused).
/// </summary>
[Reentrant]
public sealed class SequenceGrain : Grain, ISequenceGrain
{
    private readonly IPersistentState<SequenceState> _state;
    private readonly WriteCoalescer _writer;
    private bool _failed;

    /// <summary>Creates the grain.</summary>
    public SequenceGrain([PersistentState("sequence", OrleansNames.GrainStorage)] IPersistentState<SequenceState> state)
    {
        _state = state;
        _writer = new WriteCoalescer(() => _state.WriteStateAsync());
    }

    /// <inheritdoc />
    public async Task<long> ReserveAsync(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (_failed)
        {
            throw new InvalidOperationException("The sequence is being reloaded; retry.");
        }

        var first = _state.State.Last + 1;
        _state.State.Last += count;
        try
        {
            await _writer.WriteAsync();
        }
        catch
        {
            _failed = true;
            DeactivateOnIdle();
            throw;
        }

        return first;
    }
}
