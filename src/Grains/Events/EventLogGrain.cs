using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using Orleans.Storage;
using Orleans.Streams;
using ServerEvents.Grains.Hosting;
using ServerEvents.Grains.Storage;

namespace ServerEvents.Grains.Events;

/// <summary>
/// The sequencer. Publishes that arrive while a commit is in flight wait and go together in the next one, so one
/// commit (one head write, one segment write, one stream message) serves many publishes. A commit writes the head
/// first, fenced by its ETag: a second activation (after a silo was wrongly declared dead) fails there and deactivates
/// before it writes a segment or answers anyone, so the log cannot fork. Then the open segment, then the answers, then
/// the stream publish; the stream is only the fast path, and a front-end that misses a message reads the log.
/// </summary>
[Reentrant]
public sealed partial class EventLogGrain : Grain, IEventLogGrain
{
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);

    // Segments kept behind the open one whatever the retention says, so a front-end whose stream lagged can still
    // read the signals and non-replayable events it missed.
    private const int CatchUpWindowSegments = 4;
    private const int CachedSegments = 8;

    private readonly IPersistentState<LogHead> _head;
    private readonly ILogger<EventLogGrain> _logger;
    private readonly Dictionary<long, StoredRecord<LogSegment>> _cache = [];
    private readonly Queue<(long Position, DateTimeOffset CreatedAt)> _replayable = new();
    private readonly List<(IReadOnlyList<LogAppend> Items, TaskCompletionSource<long[]> Answer)> _pending = [];
    private IGrainStorage _storage = null!;
    private IAsyncStream<LogBatch> _stream = null!;
    private TimeProvider _time = TimeProvider.System;
    private LogRetention _retention = new(int.MaxValue, TimeSpan.MaxValue);
    private long _committed;
    private long _evictedThrough;
    private long _firstSegment;
    private bool _committing;
    private bool _fenced;
    private DateTimeOffset _lastPublished;

    /// <summary>Creates the grain.</summary>
    public EventLogGrain(
        [PersistentState("head", OrleansNames.GrainStorage)] IPersistentState<LogHead> head,
        ILogger<EventLogGrain> logger)
    {
        _head = head;
        _logger = logger;
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(OrleansNames.GrainStorage);
        _time = ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        _stream = this.GetStreamProvider(OrleansNames.StreamProvider).GetStream<LogBatch>(FanOutStream.Id(this.GetPrimaryKeyString()));
        if (!_head.RecordExists)
        {
            _head.State.Epoch = Random.Shared.NextInt64(1, long.MaxValue);
        }

        _firstSegment = _head.State.FirstSegment;
        _evictedThrough = _firstSegment > 0 ? LogSegment.LastPositionOf(_firstSegment - 1) : 0;
        await LoadAsync();
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TickPeriod, TickPeriod) { KeepAlive = true, Interleave = true });
    }

    /// <inheritdoc />
    public Task<long[]> AppendAsync(IReadOnlyList<LogAppend> items, LogRetention retention)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return Task.FromResult(Array.Empty<long>());
        }

        _retention = retention;
        var answer = new TaskCompletionSource<long[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending.Add((items, answer));
        if (!_committing)
        {
            _ = CommitLoopAsync();
        }

        return answer.Task;
    }

    /// <inheritdoc />
    public async Task<LogSlice> ReadAsync(long after, long through, DateTimeOffset now, LogRetention retention)
    {
        _retention = retention;
        ApplyRetention(now);
        var items = await ReadRangeAsync(Math.Max(after, _evictedThrough), Math.Min(through, _committed), int.MaxValue);
        long? oldest = _replayable.Count > 0 ? _replayable.Peek().Position : null;
        return new LogSlice([.. items.Where(i => i.IsReplayable && i.Position > _evictedThrough)], _committed, _evictedThrough, oldest, _head.State.Epoch);
    }

    /// <inheritdoc />
    public async Task<LogBatch> ReadItemsAsync(long after, int max)
    {
        var committed = _committed;
        return new LogBatch(_head.State.Epoch, committed, await ReadRangeAsync(after, committed, Math.Max(1, max)));
    }

    /// <inheritdoc />
    public Task<LogBatch> GetHeadAsync() => Task.FromResult(new LogBatch(_head.State.Epoch, _committed, []));

    private async Task LoadAsync()
    {
        var head = _head.State.Head;
        var lastStored = _evictedThrough;
        for (var segment = _firstSegment; head > 0 && segment <= LogSegment.Of(head); segment++)
        {
            var state = await ReadSegmentAsync(segment);
            foreach (var item in state.State.Items)
            {
                if (item.IsReplayable)
                {
                    _replayable.Enqueue((item.Position, item.CreatedAt));
                }

                lastStored = Math.Max(lastStored, item.Position);
            }

            if (segment >= LogSegment.Of(head) - CachedSegments)
            {
                _cache[segment] = state;
            }
        }

        if (lastStored < head)
        {
            // The previous activation handed out these positions (its head write succeeded) but failed before its
            // segment write, so nobody was answered: mark them void so readers step over them.
            var now = _time.GetUtcNow();
            var voids = new List<LogItem>();
            for (var position = lastStored + 1; position <= head; position++)
            {
                voids.Add(new LogItem(position, now, null, null));
            }

            await WriteSegmentsAsync(voids);
            LogVoided(lastStored + 1, head);
        }

        _committed = head;
    }

    private async Task CommitLoopAsync()
    {
        _committing = true;
        try
        {
            while (_pending.Count > 0)
            {
                var round = _pending.ToArray();
                _pending.Clear();
                if (_fenced)
                {
                    foreach (var (_, answer) in round)
                    {
                        answer.SetException(new InvalidOperationException("The event log moved to another activation; retry."));
                    }

                    continue;
                }

                await CommitAsync(round);
            }
        }
        finally
        {
            _committing = false;
        }
    }

    private async Task CommitAsync((IReadOnlyList<LogAppend> Items, TaskCompletionSource<long[]> Answer)[] round)
    {
        var previousHead = _head.State.Head;
        var position = previousHead;
        var items = new List<LogItem>();
        var answers = new long[round.Length][];
        for (var r = 0; r < round.Length; r++)
        {
            answers[r] = new long[round[r].Items.Count];
            for (var i = 0; i < round[r].Items.Count; i++)
            {
                var append = round[r].Items[i];
                answers[r][i] = ++position;
                items.Add(new LogItem(position, append.CreatedAt, append.Event, append.Signal));
            }
        }

        try
        {
            _head.State.Head = position;
            _head.State.FirstSegment = _firstSegment;
            await _head.WriteStateAsync();
            await WriteSegmentsAsync(items);
        }
        catch (Exception ex)
        {
            // Whether the ETag fence tripped or storage failed, this activation no longer knows the durable head:
            // refuse everything until a new activation has read it (and voided any position without a segment).
            _head.State.Head = previousHead;
            _fenced = true;
            DeactivateOnIdle();
            LogCommitFailed(ex, previousHead + 1, position);
            foreach (var (_, answer) in round)
            {
                answer.SetException(ex);
            }

            return;
        }

        _committed = position;
        foreach (var item in items.Where(i => i.IsReplayable))
        {
            _replayable.Enqueue((item.Position, item.CreatedAt));
        }

        ApplyRetention(items.Max(i => i.CreatedAt));
        for (var r = 0; r < round.Length; r++)
        {
            round[r].Answer.SetResult(answers[r]);
        }

        await PublishAsync(new LogBatch(_head.State.Epoch, position, items));
        await TrimAsync();
    }

    private async Task WriteSegmentsAsync(List<LogItem> items)
    {
        foreach (var group in items.GroupBy(i => LogSegment.Of(i.Position)))
        {
            if (!_cache.TryGetValue(group.Key, out var state))
            {
                _cache[group.Key] = state = await ReadSegmentAsync(group.Key);
            }

            state.State.Items.AddRange(group);
            await _storage.WriteStateAsync(SegmentName(group.Key), this.GetGrainId(), state);
            _cache.Remove(group.Key - CachedSegments);
        }
    }

    private async Task<List<LogItem>> ReadRangeAsync(long after, long through, int max)
    {
        var items = new List<LogItem>();
        if (through <= after)
        {
            return items;
        }

        for (var segment = Math.Max(_firstSegment, LogSegment.Of(after + 1)); segment <= LogSegment.Of(through) && items.Count < max; segment++)
        {
            var state = _cache.TryGetValue(segment, out var cached) ? cached : await ReadSegmentAsync(segment);
            items.AddRange(state.State.Items.Where(i => i.Position > after && i.Position <= through).Take(max - items.Count));
        }

        return items;
    }

    private async Task<StoredRecord<LogSegment>> ReadSegmentAsync(long segment)
    {
        var state = new StoredRecord<LogSegment> { State = new LogSegment() };
        await _storage.ReadStateAsync(SegmentName(segment), this.GetGrainId(), state);
        return state;
    }

    private void ApplyRetention(DateTimeOffset now)
    {
        var oldestKept = _retention.MaxAge == TimeSpan.MaxValue ? DateTimeOffset.MinValue : now - _retention.MaxAge;
        while (_replayable.Count > 0 && (_replayable.Count > _retention.MaxCount || _replayable.Peek().CreatedAt < oldestKept))
        {
            _evictedThrough = _replayable.Dequeue().Position;
        }
    }

    /// <summary>Drops whole segments that hold nothing retention keeps and are outside the catch-up window.</summary>
    private async Task TrimAsync()
    {
        var open = LogSegment.Of(_committed + 1);
        var oldestKept = _replayable.Count > 0 ? LogSegment.Of(_replayable.Peek().Position) : open;
        var keepFrom = Math.Min(oldestKept, open - CatchUpWindowSegments);
        try
        {
            while (_firstSegment < keepFrom)
            {
                var state = _cache.Remove(_firstSegment, out var cached) ? cached : await ReadSegmentAsync(_firstSegment);
                if (state.RecordExists)
                {
                    await _storage.ClearStateAsync(SegmentName(_firstSegment), this.GetGrainId(), state);
                }

                _firstSegment++;
            }
        }
        catch (Exception ex)
        {
            // Tried again after the next commit; a segment left behind only costs storage.
            LogTrimFailed(ex, _firstSegment);
        }
    }

    private async Task PublishAsync(LogBatch batch)
    {
        try
        {
            _lastPublished = _time.GetUtcNow();
            await _stream.OnNextAsync(batch);
        }
        catch (Exception ex)
        {
            // Front-ends notice the gap from the next batch or tick and read the log.
            LogPublishFailed(ex, batch.Committed);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (_committing || _fenced || _time.GetUtcNow() - _lastPublished < TickPeriod)
        {
            return;
        }

        await PublishAsync(new LogBatch(_head.State.Epoch, _committed, []));
    }

    private static string SegmentName(long segment) => $"log-segment-{segment}";

    [LoggerMessage(1, LogLevel.Error, "Commit of positions {First} to {Last} failed; the event log deactivates and rereads its head", EventName = "CommitFailed")]
    private partial void LogCommitFailed(Exception exception, long first, long last);

    [LoggerMessage(2, LogLevel.Warning, "Positions {First} to {Last} were handed out but never stored; marked void", EventName = "PositionsVoided")]
    private partial void LogVoided(long first, long last);

    [LoggerMessage(3, LogLevel.Warning, "Could not publish the batch through position {Position} to the fan-out stream", EventName = "PublishFailed")]
    private partial void LogPublishFailed(Exception exception, long position);

    [LoggerMessage(4, LogLevel.Warning, "Could not trim segment {Segment}", EventName = "TrimFailed")]
    private partial void LogTrimFailed(Exception exception, long segment);
}
