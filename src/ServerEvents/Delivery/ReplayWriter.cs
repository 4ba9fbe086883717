using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerEvents.Cluster;
using ServerEvents.Diagnostics;
using ServerEvents.Hosting;
using ServerEvents.Protocol;
using ServerEvents.Subscriptions;

namespace ServerEvents.Delivery;

/// <summary>
/// Writes what a resuming stream missed: <c>cmd.onConnect</c>, a <c>cmd.onReplayGap</c> notice when part of it is
/// no longer retained, then every missed event for the subscription's channels and user, oldest first. The log is
/// read <see cref="PageSize"/> positions at a time, and frames are flushed every <see cref="FlushBytes"/>, so a stream
/// holds one page of the log and about <see cref="FlushBytes"/> of response buffer, and a client that does not read
/// holds up only its own replay (the flush waits for it), and that only for
/// <see cref="ServerEventsOptions.ReplayStallTimeout"/>: then its stream is closed, so it cannot keep a replay place.
/// </summary>
internal sealed partial class ReplayWriter(
    IClusterTier cluster,
    ServerEventsMetrics metrics,
    IOptionsMonitor<ServerEventsOptions> options,
    TimeProvider time,
    ILogger<ReplayWriter> logger)
{
    /// <summary>How many log positions one read covers. Positions are dense, so (after, after + PageSize] is one page.</summary>
    public const int PageSize = 256;

    /// <summary>
    /// How many bytes are written before a flush waits for the client: the response pipe copies every frame, so
    /// without it a page of large events (256 × 64 KiB) would be copied whole for each replaying stream.
    /// </summary>
    public const int FlushBytes = 64 * 1024;

    private const string ReplayGapSelector = "cmd.onReplayGap";

    /// <summary>Writes the opening of a stream resuming from <paramref name="resume"/>, up to <paramref name="watermark"/>.</summary>
    /// <param name="output">The response body.</param>
    /// <param name="connection">The new subscription's connection; only events it would have received are replayed.</param>
    /// <param name="connectBody">The serialised <c>cmd.onConnect</c> message.</param>
    /// <param name="resume">The client's resume cursor.</param>
    /// <param name="watermark">Everything after this reaches the live queue; the replay covers everything up to it.</param>
    /// <param name="serialize">Serialises the replay gap notice.</param>
    /// <param name="cancellationToken">Ends the replay with the stream.</param>
    /// <returns>The writer, positioned after the replay.</returns>
    public async Task<FrameWriter> WriteAsync(
        PipeWriter output,
        EventStreamConnection connection,
        string connectBody,
        ResumeCursor resume,
        long watermark,
        Func<object, string> serialize,
        CancellationToken cancellationToken)
    {
        var info = connection.Info;
        var stallTimeout = options.CurrentValue.ReplayStallTimeout;
        var after = resume.After;
        var page = await ReadPageAsync(after, watermark, cancellationToken).ConfigureAwait(false);

        // A cursor from another log (a restarted embedded node, a recreated database, a reset scope) must not be
        // replayed from this one, even when its number is in this log's range: its epoch says so, or, for a client
        // that sent none, a number beyond anything this log assigned. Nothing after it can be found here, so the
        // stream starts from now and says so.
        var foreignEpoch = resume.Epoch is { } epoch && !string.Equals(epoch, page.Epoch, StringComparison.Ordinal);
        if (foreignEpoch || after > page.Head)
        {
            if (foreignEpoch)
            {
                LogForeignEpoch(info.Id, after, resume.Epoch!, page.Epoch);
            }

            var fresh = new FrameWriter(output, metrics, watermark);
            fresh.WriteConnect(connectBody);
            WriteGap(fresh, info, after, page, serialize);
            return fresh;
        }

        var writer = new FrameWriter(output, metrics, after);
        writer.WriteConnect(connectBody);
        var cursor = after;
        var replayed = 0;
        while (true)
        {
            // Retention dropped events after the cursor before this stream read them (at the start, or while a
            // slow client took the earlier pages): say so, and go on from the oldest event still there.
            if (cursor < page.EvictedThrough)
            {
                WriteGap(writer, info, writer.LastId, page, serialize);
                cursor = Math.Min(page.EvictedThrough, watermark);
                writer.AdvanceTo(cursor);
            }
            else
            {
                foreach (var missed in page.Events)
                {
                    if (missed.Target.Includes(info) && writer.Write(missed))
                    {
                        replayed++;
                        if (writer.UnflushedBytes >= FlushBytes)
                        {
                            await FlushAsync(writer, connection, stallTimeout, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                cursor = PageEnd(cursor, watermark);
                writer.AdvanceTo(cursor);
            }

            // Back-pressure: the next page is read only once the client has taken (nearly) all of this one.
            await FlushAsync(writer, connection, stallTimeout, cancellationToken).ConfigureAwait(false);
            if (cursor >= watermark)
            {
                break;
            }

            page = await ReadPageAsync(cursor, watermark, cancellationToken).ConfigureAwait(false);
        }

        metrics.EventsReplayed(replayed);
        return writer;
    }

    /// <summary>
    /// Flushes, waiting for the client; a client that takes nothing for <paramref name="stallTimeout"/> has its stream
    /// closed (it may resume with its cursor), which ends the replay and frees its place.
    /// </summary>
    private async ValueTask FlushAsync(FrameWriter writer, EventStreamConnection connection, TimeSpan stallTimeout, CancellationToken closed)
    {
        using var stalled = new CancellationTokenSource(stallTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(closed, stalled.Token);
        try
        {
            await writer.FlushAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stalled.IsCancellationRequested && !closed.IsCancellationRequested)
        {
            LogReplayStalled(connection.Id, writer.LastId, stallTimeout);
            connection.Close();
            closed.ThrowIfCancellationRequested();
            throw;
        }
    }

    private static long PageEnd(long cursor, long watermark) => Math.Min(watermark, cursor + PageSize);

    private ValueTask<EventLogSlice> ReadPageAsync(long cursor, long watermark, CancellationToken cancellationToken) =>
        cluster.Events.ReadAsync(cursor, PageEnd(cursor, watermark), cancellationToken);

    private void WriteGap(FrameWriter writer, SubscriptionInfo info, long lastEventId, EventLogSlice page, Func<object, string> serialize)
    {
        LogReplayGap(info.Id, lastEventId, page.OldestAvailableId);
        writer.WriteAtCursor(ReplayGapSelector, serialize(new ReplayGap(lastEventId, page.OldestAvailableId)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} resumed after {Position}, older than the oldest retained event {OldestAvailableId}")]
    private partial void LogReplayGap(string subscriptionId, long position, long? oldestAvailableId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} resumed after {Position} of epoch {ClientEpoch}, not this log's epoch {Epoch}: a gap, not a replay")]
    private partial void LogForeignEpoch(string subscriptionId, long position, string clientEpoch, string epoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} closed: its client took nothing of its replay for {StallTimeout} (at {Position})")]
    private partial void LogReplayStalled(string subscriptionId, long position, TimeSpan stallTimeout);

    private sealed record ReplayGap(long LastEventId, long? OldestAvailableId);
}
