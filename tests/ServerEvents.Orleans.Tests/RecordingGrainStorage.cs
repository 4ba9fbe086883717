using System.Collections;
using System.Collections.Concurrent;
using Orleans.Storage;
using ServerEvents.Grains.Events;

namespace ServerEvents.Orleans.Tests;

/// <summary>
/// The "server-events" grain storage of the test silo: memory storage underneath, recording every write (which record,
/// of which grain, how many entries) so tests can assert on what a change costs.
/// </summary>
public sealed class RecordingGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly ConcurrentQueue<StorageWrite> _writes = new();

    /// <summary>The storage underneath, for writes that bypass the recording (another activation's, in a test).</summary>
    public IGrainStorage Inner { get; } = inner;

    /// <summary>Every write so far.</summary>
    public IReadOnlyList<StorageWrite> Writes => [.. _writes];

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Inner.ReadStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await Inner.WriteStateAsync(stateName, grainId, grainState);
        _writes.Enqueue(new StorageWrite(stateName, grainId.ToString(), EntriesOf(grainState.State)));
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Inner.ClearStateAsync(stateName, grainId, grainState);

    private static int EntriesOf(object? state) => state switch
    {
        ICollection collection => collection.Count,
        LogSegment segment => segment.Items.Count,
        _ => 1,
    };
}

/// <summary>One recorded write.</summary>
/// <param name="StateName">The record's name.</param>
/// <param name="GrainId">The grain that wrote it.</param>
/// <param name="Entries">How many entries the written value holds.</param>
public sealed record StorageWrite(string StateName, string GrainId, int Entries);
