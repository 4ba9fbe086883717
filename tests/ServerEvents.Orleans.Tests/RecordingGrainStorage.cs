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
    private readonly ConcurrentQueue<StorageWrite> _clears = new();
    private readonly ConcurrentDictionary<string, string> _failing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TimeSpan> _slow = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string RecordPrefix, TaskCompletionSource Release)> _held = new(StringComparer.Ordinal);

    /// <summary>The storage underneath, for writes that bypass the recording (another activation's, in a test).</summary>
    public IGrainStorage Inner { get; } = inner;

    /// <summary>Every write so far.</summary>
    public IReadOnlyList<StorageWrite> Writes => [.. _writes];

    /// <summary>Every record cleared so far.</summary>
    public IReadOnlyList<StorageWrite> Clears => [.. _clears];

    /// <summary>
    /// Makes every read and write of a grain whose key contains <paramref name="scope"/> fail, as an unreachable storage
    /// account does, until disposed; only those of records whose name starts with <paramref name="recordPrefix"/> when
    /// one is given.
    /// </summary>
    public IDisposable FailFor(string scope, string recordPrefix = "")
    {
        _failing[scope] = recordPrefix;
        return new Undo(() => _failing.TryRemove(scope, out _));
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ThrowIfFailing(stateName, grainId);
        return Inner.ReadStateAsync(stateName, grainId, grainState);
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ThrowIfFailing(stateName, grainId);
        var key = grainId.ToString();
        foreach (var (scope, latency) in _slow)
        {
            if (key.Contains(scope, StringComparison.Ordinal))
            {
                await Task.Delay(latency);
            }
        }

        foreach (var (scope, (prefix, release)) in _held)
        {
            if (Applies(scope, prefix, key, stateName))
            {
                await release.Task;
            }
        }

        await Inner.WriteStateAsync(stateName, grainId, grainState);
        _writes.Enqueue(new StorageWrite(stateName, grainId.ToString(), EntriesOf(grainState.State)));
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ThrowIfFailing(stateName, grainId);
        await Inner.ClearStateAsync(stateName, grainId, grainState);
        _clears.Enqueue(new StorageWrite(stateName, grainId.ToString(), 0));
    }

    /// <summary>
    /// Holds every write of a record whose name starts with <paramref name="recordPrefix"/> by a grain whose key contains
    /// <paramref name="scope"/> until disposed: a write in flight for as long as a test needs.
    /// </summary>
    public IDisposable HoldWrites(string scope, string recordPrefix)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _held[scope] = (recordPrefix, release);
        return new Undo(() =>
        {
            _held.TryRemove(scope, out _);
            release.TrySetResult();
        });
    }

    /// <summary>Makes every write of a grain whose key contains <paramref name="scope"/> take <paramref name="latency"/>, as a remote storage account does.</summary>
    public void SlowDown(string scope, TimeSpan latency) => _slow[scope] = latency;

    private void ThrowIfFailing(string stateName, GrainId grainId)
    {
        var key = grainId.ToString();
        if (_failing.Any(f => Applies(f.Key, f.Value, key, stateName)))
        {
            throw new TimeoutException("The storage account cannot be reached (test outage).");
        }
    }

    /// <summary>Whether an outage or hold for <paramref name="scope"/> and <paramref name="recordPrefix"/> covers this record of this grain.</summary>
    private static bool Applies(string scope, string recordPrefix, string grainKey, string stateName) =>
        grainKey.Contains(scope, StringComparison.Ordinal) && stateName.StartsWith(recordPrefix, StringComparison.Ordinal);

    /// <summary>Ends an outage or a hold.</summary>
    private sealed class Undo(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

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
