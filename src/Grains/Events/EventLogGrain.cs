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
/// commit (one head write, one chunk write, one stream message) serves many publishes. A commit writes the head first,
/// fenced by its ETag: a second activation (after a silo was wrongly declared dead) fails there and deactivates before
/// it writes anything else or answers anyone, so the log cannot fork. Then its chunk (its items, written once), then
/// the answers, then the stream publish; the stream is only the fast path, and a front-end that misses a message reads
/// the log. When a commit starts a new segment, the completed one is first written whole, once, and its chunks deleted.
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
    private readonly Dictionary<long, StoredRecord<LogSegment>> _sealed = [];
    private readonly Dictionary<long, StoredRecord<LogSegment>> _openChunks = [];
    private readonly List<LogItem> _openItems = [];
    private readonly Queue<(long Position, DateTimeOffset CreatedAt)> _replayable = new();
    private readonly List<(IReadOnlyList<LogAppend> Items, TaskCompletionSource<long[]> Answer)> _pending = [];
    private IGrainStorage _storage = null!;
    private IAsyncStream<LogBatch> _stream = null!;
    private TimeProvider _time = TimeProvider.System;
    private LogRetention _retention = new(int.MaxValue, TimeSpan.MaxValue);
    private long _committed;
    private long _evictedThrough;
    private long _firstSegment;
    private long _openSegment;
    private readonly List<LogItem> _unpublished = [];
    private bool _committing;
    private bool _publishing;
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

        ArgumentOutOfRangeException.ThrowIfGreaterThan(items.Count, LogSegment.SegmentSize);

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
        var chunks = _head.State.OpenChunks;
        _openSegment = chunks.Count > 0 ? LogSegment.Of(chunks[0]) : LogSegment.Of(head + 1);
        for (var segment = _firstSegment; segment < _openSegment; segment++)
        {
            var state = await ReadRecordAsync(SegmentName(segment));
            Index(state.State.Items);
            if (segment >= _openSegment - CachedSegments)
            {
                _sealed[segment] = state;
            }
        }

        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = await ReadRecordAsync(ChunkName(chunks[i]));
            var last = i + 1 < chunks.Count ? chunks[i + 1] - 1 : head;
            if (!chunk.RecordExists)
            {
                // The previous activation handed out these positions (its head write succeeded) but failed before its
                // chunk write, so nobody was answered: store them as voids so readers step over them.
                var now = _time.GetUtcNow();
                for (var position = chunks[i]; position <= last; position++)
                {
                    chunk.State.Items.Add(new LogItem(position, now, null, null));
                }

                await _storage.WriteStateAsync(ChunkName(chunks[i]), this.GetGrainId(), chunk);
                LogVoided(chunks[i], last);
            }

            _openChunks[chunks[i]] = chunk;
            _openItems.AddRange(chunk.State.Items);
            Index(chunk.State.Items);
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
                var round = TakeRound();
                if (_fenced)
                {
                    foreach (var (_, answer) in round)
                    {
                        answer.SetException(new OrleansException("The event log is being reloaded after a failed commit; retry."));
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

    /// <summary>Takes the waiting requests that fit before the next segment boundary (at least one), so a chunk never crosses it.</summary>
    private List<(IReadOnlyList<LogAppend> Items, TaskCompletionSource<long[]> Answer)> TakeRound()
    {
        var room = LogSegment.LastPositionOf(LogSegment.Of(_head.State.Head + 1)) - _head.State.Head;
        var round = new List<(IReadOnlyList<LogAppend>, TaskCompletionSource<long[]>)>();
        if (_pending[0].Items.Count > room)
        {
            // The first request does not fit: fill the rest of the segment with voids, so it starts the next one.
            var now = _time.GetUtcNow();
            round.Add((Enumerable.Repeat(new LogAppend(now, null, null), (int)room).ToArray(), new TaskCompletionSource<long[]>()));
            return round;
        }

        var taken = 0;
        while (round.Count < _pending.Count && (round.Count == 0 || taken + _pending[round.Count].Items.Count <= room))
        {
            taken += _pending[round.Count].Items.Count;
            round.Add(_pending[round.Count]);
        }

        _pending.RemoveRange(0, round.Count);
        return round;
    }

    private async Task CommitAsync(List<(IReadOnlyList<LogAppend> Items, TaskCompletionSource<long[]> Answer)> round)
    {
        var previousHead = _head.State.Head;
        var previousChunks = _head.State.OpenChunks;
        var first = previousHead + 1;
        var position = previousHead;
        var chunk = new StoredRecord<LogSegment>();
        var answers = new long[round.Count][];
        for (var r = 0; r < round.Count; r++)
        {
            answers[r] = new long[round[r].Items.Count];
            for (var i = 0; i < round[r].Items.Count; i++)
            {
                var append = round[r].Items[i];
                answers[r][i] = ++position;
                chunk.State.Items.Add(new LogItem(position, append.CreatedAt, append.Event, append.Signal));
            }
        }

        var items = chunk.State.Items;
        var segment = LogSegment.Of(first);
        var sealing = segment != _openSegment && _openItems.Count > 0;
        try
        {
            // The completed segment is written whole, once, before the head stops naming its chunks.
            if (sealing)
            {
                var sealedSegment = await ReadRecordAsync(SegmentName(_openSegment));
                sealedSegment.State.Items = [.. _openItems];
                await _storage.WriteStateAsync(SegmentName(_openSegment), this.GetGrainId(), sealedSegment);
                _sealed[_openSegment] = sealedSegment;
            }

            _head.State.Head = position;
            _head.State.FirstSegment = _firstSegment;
            _head.State.OpenChunks = sealing ? [first] : [.. previousChunks, first];
            await _head.WriteStateAsync();
            await _storage.WriteStateAsync(ChunkName(first), this.GetGrainId(), chunk);
        }
        catch (Exception ex)
        {
            // Whether the ETag fence tripped or storage failed, this activation no longer knows the durable head:
            // refuse everything until a new activation has read it (and voided any position without a chunk).
            _head.State.Head = previousHead;
            _head.State.OpenChunks = previousChunks;
            _fenced = true;
            DeactivateOnIdle();
            LogCommitFailed(ex, first, position);
            foreach (var (_, answer) in round)
            {
                answer.SetException(ex);
            }

            return;
        }

        if (sealing)
        {
            _ = DeleteChunksAsync([.. _openChunks.Values]);
            _openChunks.Clear();
            _openItems.Clear();
            _openSegment = segment;
            _sealed.Remove(segment - CachedSegments);
        }

        _openChunks[first] = chunk;
        _openItems.AddRange(items);
        _committed = position;
        Index(items);
        ApplyRetention(items.Max(i => i.CreatedAt));
        for (var r = 0; r < round.Count; r++)
        {
            round[r].Answer.SetResult(answers[r]);
        }

        _unpublished.AddRange(items);
        if (!_publishing)
        {
            _ = PublishLoopAsync();
        }

        await TrimAsync();
    }

    private void Index(IEnumerable<LogItem> items)
    {
        foreach (var item in items.Where(i => i.IsReplayable))
        {
            _replayable.Enqueue((item.Position, item.CreatedAt));
        }
    }

    private async Task<List<LogItem>> ReadRangeAsync(long after, long through, int max)
    {
        var items = new List<LogItem>();
        for (var segment = Math.Max(_firstSegment, LogSegment.Of(after + 1)); through > after && segment <= LogSegment.Of(through) && items.Count < max; segment++)
        {
            IEnumerable<LogItem> stored = segment == _openSegment
                ? _openItems
                : (_sealed.TryGetValue(segment, out var cached) ? cached : await ReadRecordAsync(SegmentName(segment))).State.Items;
            items.AddRange(stored.Where(i => i.Position > after && i.Position <= through).Take(max - items.Count));
        }

        return items;
    }

    private async Task<StoredRecord<LogSegment>> ReadRecordAsync(string name)
    {
        var state = new StoredRecord<LogSegment>();
        await _storage.ReadStateAsync(name, this.GetGrainId(), state);
        return state;
    }

    /// <summary>Deletes the chunks of a sealed segment; one left behind only costs storage, as its items are in the segment.</summary>
    private async Task DeleteChunksAsync(List<StoredRecord<LogSegment>> chunks)
    {
        foreach (var chunk in chunks)
        {
            try
            {
                await _storage.ClearStateAsync(ChunkName(chunk.State.Items[0].Position), this.GetGrainId(), chunk);
            }
            catch (Exception ex)
            {
                LogTrimFailed(ex, chunk.State.Items[0].Position);
                return;
            }
        }
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
        var oldestKept = _replayable.Count > 0 ? LogSegment.Of(_replayable.Peek().Position) : _openSegment;
        var keepFrom = Math.Min(oldestKept, _openSegment - CatchUpWindowSegments);
        try
        {
            while (_firstSegment < keepFrom)
            {
                var state = _sealed.Remove(_firstSegment, out var cached) ? cached : await ReadRecordAsync(SegmentName(_firstSegment));
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

    /// <summary>
    /// Publishes committed items to the stream in order, one message at a time; commits go on meanwhile, and what they
    /// add while a message is in flight goes out together in the next one.
    /// </summary>
    private async Task PublishLoopAsync()
    {
        _publishing = true;
        try
        {
            while (_unpublished.Count > 0)
            {
                LogItem[] items = [.. _unpublished];
                _unpublished.Clear();
                await PublishAsync(new LogBatch(_head.State.Epoch, items[^1].Position, items));
            }
        }
        finally
        {
            _publishing = false;
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
        if (_publishing || _fenced || _time.GetUtcNow() - _lastPublished < TickPeriod)
        {
            return;
        }

        await PublishAsync(new LogBatch(_head.State.Epoch, _committed, []));
    }

    private static string SegmentName(long segment) => $"log-segment-{segment}";

    private static string ChunkName(long firstPosition) => $"log-chunk-{firstPosition}";

    [LoggerMessage(1, LogLevel.Error, "Commit of positions {First} to {Last} failed; the event log deactivates and rereads its head", EventName = "CommitFailed")]
    private partial void LogCommitFailed(Exception exception, long first, long last);

    [LoggerMessage(2, LogLevel.Warning, "Positions {First} to {Last} were handed out but never stored; marked void", EventName = "PositionsVoided")]
    private partial void LogVoided(long first, long last);

    [LoggerMessage(3, LogLevel.Warning, "Could not publish the batch through position {Position} to the fan-out stream", EventName = "PublishFailed")]
    private partial void LogPublishFailed(Exception exception, long position);

    [LoggerMessage(4, LogLevel.Warning, "Could not delete the record of segment or chunk {Position}", EventName = "TrimFailed")]
    private partial void LogTrimFailed(Exception exception, long position);
}
