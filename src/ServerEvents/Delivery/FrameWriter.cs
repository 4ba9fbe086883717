using System.Buffers;
using System.IO.Pipelines;
using ServerEvents.Cluster;
using ServerEvents.Diagnostics;

namespace ServerEvents.Delivery;

/// <summary>
/// Writes frames to one response: first the frames a new stream starts with, then the connection's queue
/// until the stream closes. Frames at or below the last id written are skipped, which removes the overlap
/// between a replay and the live queue.
/// </summary>
internal sealed class FrameWriter
{
    private const string ConnectSelector = "cmd.onConnect";

    private readonly PipeWriter _output;
    private readonly ServerEventsMetrics _metrics;
    private long _lastId;
    private long _unflushedBytes;

    public FrameWriter(PipeWriter output, ServerEventsMetrics metrics, long cursor)
    {
        _output = output;
        _metrics = metrics;
        _lastId = cursor;
    }

    /// <summary>The id of the newest frame written (the stream's resume cursor).</summary>
    public long LastId => _lastId;

    /// <summary>How many bytes were written since the last flush.</summary>
    public long UnflushedBytes => _unflushedBytes;

    /// <summary>Writes <c>cmd.onConnect</c>, the first frame of every stream, at the current cursor.</summary>
    public void WriteConnect(string connectBody) => WriteAtCursor(ConnectSelector, connectBody);

    /// <summary>Writes a frame that carries the current cursor (onConnect, replay gap); it does not advance it.</summary>
    public void WriteAtCursor(string selector, string body)
    {
        var frame = Protocol.EventFrame.Encode(_lastId, selector, body);
        _output.Write(frame);
        _unflushedBytes += frame.Length;
    }

    /// <summary>Writes a logged event unless it was already written.</summary>
    public bool Write(ClusterEvent clusterEvent)
    {
        if (clusterEvent.Id <= _lastId)
        {
            return false;
        }

        _output.Write(clusterEvent.Frame.Span);
        _unflushedBytes += clusterEvent.Frame.Length;
        _lastId = clusterEvent.Id;
        return true;
    }

    /// <summary>Moves the cursor forward without writing (everything up to <paramref name="position"/> was considered).</summary>
    public void AdvanceTo(long position) => _lastId = Math.Max(_lastId, position);

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        _unflushedBytes = 0;
        await _output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Drains the queue until the stream closes, flushing once per batch; <paramref name="closed"/> ends a flush
    /// that waits on a slow reader.
    /// </summary>
    public async Task PumpAsync(EventStreamConnection connection, CancellationToken closed)
    {
        // Closing both cancels the token and completes the queue, so a wait, a batch or a flush stuck on a slow
        // reader all end with the stream. The wait takes no token for that reason, and because a wait with a
        // cancellable token allocates a waiter and a registration every time: on every stream, once per delivery,
        // each a young object written into the stream's old state, which every gen0 collection must then scan.
        var queue = connection.Queue;
        while (await queue.WaitToReadAsync().ConfigureAwait(false))
        {
            closed.ThrowIfCancellationRequested();
            var written = 0;
            while (queue.TryRead(out var clusterEvent))
            {
                if (Write(clusterEvent))
                {
                    written++;
                }
            }

            if (written > 0)
            {
                await FlushAsync(closed).ConfigureAwait(false);
                _metrics.FramesDelivered(written);
            }
        }

        closed.ThrowIfCancellationRequested();
    }
}
