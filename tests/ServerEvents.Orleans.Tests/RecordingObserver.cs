using System.Collections.Concurrent;
using ServerEvents.Grains.Events;

namespace ServerEvents.Orleans.Tests;

/// <summary>A fan-out observer that records the positions of the items it is handed, for tests that register one with the log grain themselves.</summary>
public sealed class RecordingObserver : ILogBatchObserver
{
    private readonly ConcurrentQueue<long> _positions = new();
    private readonly ConcurrentQueue<long[]> _calls = new();
    private readonly SemaphoreSlim _received = new(0);

    /// <summary>The positions received so far, in arrival order.</summary>
    public IReadOnlyList<long> Positions => [.. _positions];

    /// <summary>The positions each call carried, one entry per call that carried any, in arrival order.</summary>
    public IReadOnlyList<long[]> Calls => [.. _calls];

    /// <inheritdoc />
    public Task OnBatchAsync(LogBatch batch)
    {
        if (batch.Items.Count > 0)
        {
            _calls.Enqueue([.. batch.Items.Select(i => i.Position)]);
        }

        foreach (var item in batch.Items)
        {
            _positions.Enqueue(item.Position);
        }

        _received.Release();
        return Task.CompletedTask;
    }

    /// <summary>Waits until <paramref name="position"/> has been received.</summary>
    public async Task WaitForAsync(long position, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!_positions.Contains(position))
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero && await _received.WaitAsync(left), $"position {position} never reached the observer");
        }
    }
}
