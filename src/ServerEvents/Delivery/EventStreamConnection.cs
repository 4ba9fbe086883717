using System.Threading.Channels;
using ServerEvents.Cluster;
using ServerEvents.Subscriptions;

namespace ServerEvents.Delivery;

/// <summary>
/// One open event stream on this node: a bounded queue of frames filled by the dispatcher and drained by the
/// connection's single writer loop, so that publishing never waits on a socket.
/// </summary>
public sealed class EventStreamConnection : IDisposable
{
    private readonly Channel<ClusterEvent> _queue;
    private readonly CancellationTokenSource _closed = new();
    private volatile SubscriptionInfo _info;
    private volatile bool _overflowed;

    internal EventStreamConnection(SubscriptionInfo info, int queueCapacity)
    {
        _info = info;
        _queue = Channel.CreateBounded<ClusterEvent>(new BoundedChannelOptions(queueCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The subscription this stream serves, as of its latest channel change.</summary>
    public SubscriptionInfo Info => _info;

    /// <summary>The subscription id.</summary>
    public string Id => _info.Id;

    /// <summary>Whether the stream was closed because its queue overflowed.</summary>
    public bool Overflowed => _overflowed;

    /// <summary>Cancelled when the stream must close (unregistered, expired, overflowed or reset).</summary>
    public CancellationToken Closed => _closed.Token;

    internal ChannelReader<ClusterEvent> Queue => _queue.Reader;

    internal void Update(SubscriptionInfo info) => _info = info;

    /// <summary>Queues a frame without waiting; a full queue closes the stream.</summary>
    /// <returns><see langword="false"/> when the queue was full and the stream is now closing.</returns>
    internal bool TryEnqueue(ClusterEvent clusterEvent)
    {
        if (_queue.Writer.TryWrite(clusterEvent))
        {
            return true;
        }

        if (!_overflowed && !_closed.IsCancellationRequested)
        {
            _overflowed = true;
            Close();
            return false;
        }

        return true;
    }

    /// <summary>Asks the writer loop to end the stream.</summary>
    internal void Close()
    {
        // Cancelled before the queue completes, so the writer loop, woken by the completion, sees why it woke.
        try
        {
            _closed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream already ended.
        }

        _queue.Writer.TryComplete();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _closed.Dispose();
    }
}
