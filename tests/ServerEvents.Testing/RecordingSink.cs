using ServerEvents.Cluster;

namespace ServerEvents.Testing;

/// <summary>A fan-out receiver that records what it is handed, in order, and lets a test await a condition on it.</summary>
public sealed class RecordingSink : IClusterEventSink
{
    private readonly Lock _gate = new();
    private readonly List<object> _items = [];
    private readonly List<long> _attachedAt = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _failuresLeft;

    /// <summary>The position passed to the latest <see cref="OnAttached"/>, once it was called.</summary>
    public long? AttachedAt
    {
        get
        {
            lock (_gate)
            {
                return _attachedAt.Count > 0 ? _attachedAt[^1] : null;
            }
        }
    }

    /// <summary>Every position passed to <see cref="OnAttached"/>, in order: more than one means the tier re-attached the sink.</summary>
    public IReadOnlyList<long> Attachments
    {
        get
        {
            lock (_gate)
            {
                return [.. _attachedAt];
            }
        }
    }

    /// <summary>Every <see cref="ClusterEvent"/> and <see cref="ClusterSignal"/> received so far, in order.</summary>
    public IReadOnlyList<object> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }
    }

    /// <summary>The events received so far, in order.</summary>
    public IReadOnlyList<ClusterEvent> Events => [.. Items.OfType<ClusterEvent>()];

    /// <summary>Makes the next <paramref name="count"/> calls of <see cref="OnEvent"/> or <see cref="OnSignal"/> throw, as a failing node would.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    /// <inheritdoc />
    public void OnAttached(long position)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _attachedAt.Add(position);
            changed = Renew();
        }

        changed.SetResult();
    }

    /// <inheritdoc />
    public void OnEvent(ClusterEvent clusterEvent) => Add(clusterEvent);

    /// <inheritdoc />
    public void OnSignal(ClusterSignal signal) => Add(signal);

    /// <summary>Waits until <paramref name="condition"/> holds for what was received; fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyList<object>> WaitForAsync(Func<IReadOnlyList<object>, bool> condition, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? EventStreamReader.DefaultTimeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition(_items))
                {
                    return [.. _items];
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The sink did not reach the expected state in time; it holds {Items.Count} items.");
            }
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> items were received.</summary>
    public Task<IReadOnlyList<object>> WaitForCountAsync(int count, TimeSpan? timeout = null) =>
        WaitForAsync(items => items.Count >= count, timeout);

    private void Add(object item)
    {
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new InvalidOperationException("The sink was told to fail.");
        }

        TaskCompletionSource changed;
        lock (_gate)
        {
            _items.Add(item);
            changed = Renew();
        }

        changed.SetResult();
    }

    private TaskCompletionSource Renew()
    {
        var changed = _changed;
        _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        return changed;
    }
}
