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
/// it answers anyone, so the log cannot fork. Then its chunk (its items, written once), then the answers, then the
/// stream publish; the stream is only the fast path, and a front-end that misses a message reads the log. Commits are
/// pipelined one deep: the next commit's head write overlaps this one's chunk write, and answers still go out in
/// position order. Completed segments are written whole, once, off the commit path; the next head write stops naming
/// the chunks they cover, which are then deleted.
/// </summary>
[Reentrant]
public sealed partial class EventLogGrain : Grain, IEventLogGrain
{
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);

    // Segments kept behind the open one whatever the retention says, so a front-end whose stream lagged can still
    // read the signals and non-replayable events it missed.
    private const int CatchUpWindowSegments = 4;
    private const int CachedSegments = 8;

    // One round's items: bounds one chunk write and one stream message.
    private const int MaxRoundItems = 1024;

    private readonly IPersistentState<LogHead> _head;
    private readonly ILogger<EventLogGrain> _logger;
    private readonly Dictionary<long, StoredRecord<LogSegment>> _sealed = [];
    private readonly List<Chunk> _chunks = [];
    private readonly List<LogItem> _unsealed = [];
    private readonly Queue<(long Position, DateTimeOffset CreatedAt)> _replayable = new();
    private readonly List<(IReadOnlyList<LogAppend> Items, TaskCompletionSource<long[]> Answer)> _pending = [];
    private readonly List<LogItem> _unpublished = [];
    private IGrainStorage _storage = null!;
    private IAsyncStream<LogBatch> _stream = null!;
    private TimeProvider _time = TimeProvider.System;
    private LogRetention _retention = new(int.MaxValue, TimeSpan.MaxValue);
    private Task _previousCompletion = Task.CompletedTask;
    private long _committed;
    private long _evictedThrough;
    private long _firstSegment;
    private long _sealedSegments;
    private bool _committing;
    private bool _publishing;
    private bool _maintaining;
    private bool _fenced;
    private bool _chunkFailed;
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

        // Heads written before segments could be sealed off the commit path named only chunks of the open segment.
        _sealedSegments = Math.Max(_head.State.SealedSegments, chunks.Count > 0 ? LogSegment.Of(chunks[0]) : LogSegment.Of(head + 1));
        for (var segment = _firstSegment; segment < _sealedSegments; segment++)
        {
            var state = await ReadRecordAsync(SegmentName(segment));
            Index(state.State.Items);
            if (segment >= _sealedSegments - CachedSegments)
            {
                _sealed[segment] = state;
            }
        }

        var records = await Task.WhenAll(chunks.Select(first => ReadRecordAsync(ChunkName(first))));
        var sealedThrough = LogSegment.LastPositionOf(_sealedSegments - 1);
        for (var i = 0; i < chunks.Count; i++)
        {
            var chunk = records[i];
            var last = i + 1 < chunks.Count ? chunks[i + 1] - 1 : head;
            if (!chunk.RecordExists)
            {
                // The previous activation handed out these positions (its head write succeeded) but failed before its
                // chunk write, so nobody was answered: store them as voids so readers step over them. The write creates
                // the record or fails, so a late chunk write of that activation and this cannot both land.
                var now = _time.GetUtcNow();
                for (var position = chunks[i]; position <= last; position++)
                {
                    chunk.State.Items.Add(new LogItem(position, now, null, null));
                }

                await _storage.WriteStateAsync(ChunkName(chunks[i]), this.GetGrainId(), chunk);
                LogVoided(chunks[i], last);
            }

            _chunks.Add(new Chunk(chunks[i], last, chunk));
            _unsealed.AddRange(chunk.State.Items.Where(item => item.Position > sealedThrough));
        }

        Index(_unsealed);
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
                    Refuse(round, new OrleansException("The event log is being reloaded after a failed commit; retry."));
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

    /// <summary>Takes the waiting requests, oldest first, up to <see cref="MaxRoundItems"/> items (at least one request).</summary>
    private List<(IReadOnlyList<LogAppend> Items, TaskCompletionSource<long[]> Answer)> TakeRound()
    {
        var count = 0;
        var taken = 0;
        while (count < _pending.Count && (count == 0 || taken + _pending[count].Items.Count <= MaxRoundItems))
        {
            taken += _pending[count].Items.Count;
            count++;
        }

        var round = _pending.GetRange(0, count);
        _pending.RemoveRange(0, count);
        return round;
    }

    /// <summary>
    /// Hands out the round's positions and makes the head durable (the fence), then starts the chunk write and waits
    /// for the previous commit to complete, so at most one chunk write is in flight beside the next head write.
    /// </summary>
    private async Task CommitAsync(List<(IReadOnlyList<LogAppend> Items, TaskCompletionSource<long[]> Answer)> round)
    {
        var previousHead = _head.State.Head;
        var previousChunks = _head.State.OpenChunks;
        var previousSealed = _head.State.SealedSegments;
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

        // Chunks wholly inside sealed segments are no longer named: a reader finds their items in the segments.
        var sealedThrough = LogSegment.LastPositionOf(_sealedSegments - 1);
        var dropped = _chunks.TakeWhile(c => c.Last <= sealedThrough).Count();
        try
        {
            _head.State.Head = position;
            _head.State.FirstSegment = _firstSegment;
            _head.State.SealedSegments = _sealedSegments;
            _head.State.OpenChunks = [.. _chunks.Skip(dropped).Select(c => c.First), first];
            await _head.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // Whether the ETag fence tripped or storage failed, this activation no longer knows the durable head:
            // refuse everything until a new activation has read it (and voided any position without a chunk).
            _head.State.Head = previousHead;
            _head.State.OpenChunks = previousChunks;
            _head.State.SealedSegments = previousSealed;
            Fence(ex, first, position);
            Refuse(round, ex);
            return;
        }

        if (dropped > 0)
        {
            _ = DeleteChunksAsync(_chunks.GetRange(0, dropped));
            _chunks.RemoveRange(0, dropped);
        }

        _chunks.Add(new Chunk(first, position, chunk));
        var write = _storage.WriteStateAsync(ChunkName(first), this.GetGrainId(), chunk);
        var previous = _previousCompletion;
        _previousCompletion = CompleteAsync(previous, write, round, answers, chunk.State.Items);
        await previous;
    }

    /// <summary>Once the previous commit has completed and this one's chunk is durable: answers, then hands the items on.</summary>
    private async Task CompleteAsync(
        Task previous,
        Task write,
        List<(IReadOnlyList<LogAppend> Items, TaskCompletionSource<long[]> Answer)> round,
        long[][] answers,
        List<LogItem> items)
    {
        await previous;
        try
        {
            await write;
        }
        catch (Exception ex)
        {
            _chunkFailed = true;
            Fence(ex, items[0].Position, items[^1].Position);
        }

        if (_chunkFailed)
        {
            // This chunk may be durable, but one at or before it may not be: nothing after a failed chunk is
            // acknowledged. (A head write that failed after this one's does not matter: this head was durable.)
            Refuse(round, new OrleansException("The event log is being reloaded after a failed commit; retry."));
            return;
        }

        _unsealed.AddRange(items);
        _committed = items[^1].Position;
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

        if (!_maintaining)
        {
            _ = MaintainAsync();
        }
    }

    private void Fence(Exception exception, long first, long last)
    {
        if (!_fenced)
        {
            _fenced = true;
            DeactivateOnIdle();
            LogCommitFailed(exception, first, last);
        }
    }

    private static void Refuse(List<(IReadOnlyList<LogAppend> Items, TaskCompletionSource<long[]> Answer)> round, Exception exception)
    {
        foreach (var (_, answer) in round)
        {
            answer.TrySetException(exception);
        }
    }

    /// <summary>Seals every completed segment (written whole, once), then trims; off the commit path, one run at a time.</summary>
    private async Task MaintainAsync()
    {
        _maintaining = true;
        try
        {
            while (!_fenced && _committed >= LogSegment.LastPositionOf(_sealedSegments))
            {
                var segment = _sealedSegments;
                var last = LogSegment.LastPositionOf(segment);
                var record = new StoredRecord<LogSegment> { State = new LogSegment { Items = [.. _unsealed.TakeWhile(i => i.Position <= last)] } };
                await WriteOnceAsync(SegmentName(segment), record);

                // Only appends happened meanwhile, so the sealed items are still the list's head.
                _unsealed.RemoveRange(0, record.State.Items.Count);
                _sealed[segment] = record;
                _sealed.Remove(segment - CachedSegments);
                _sealedSegments = segment + 1;
            }

            await TrimAsync();
        }
        catch (Exception ex)
        {
            // Tried again after the next commit; until then the head keeps naming the chunks, which hold the same items.
            LogSealFailed(ex, _sealedSegments);
        }
        finally
        {
            _maintaining = false;
        }
    }

    /// <summary>Creates a record; if one exists (a previous activation sealed it), replaces it under its ETag.</summary>
    private async Task WriteOnceAsync(string name, StoredRecord<LogSegment> record)
    {
        try
        {
            await _storage.WriteStateAsync(name, this.GetGrainId(), record);
        }
        catch (InconsistentStateException)
        {
            var existing = await ReadRecordAsync(name);
            record.ETag = existing.ETag;
            await _storage.WriteStateAsync(name, this.GetGrainId(), record);
        }
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
        var segment = Math.Max(_firstSegment, LogSegment.Of(after + 1));
        while (through > after && segment <= LogSegment.Of(through) && items.Count < max)
        {
            if (segment >= _sealedSegments)
            {
                // Everything from here on is in memory (checked after each await: a seal may have moved the boundary).
                var from = Math.Max(after, LogSegment.LastPositionOf(segment - 1));
                items.AddRange(_unsealed.Where(i => i.Position > from && i.Position <= through).Take(max - items.Count));
                break;
            }

            var stored = _sealed.TryGetValue(segment, out var cached) ? cached : await ReadRecordAsync(SegmentName(segment));
            items.AddRange(stored.State.Items.Where(i => i.Position > after && i.Position <= through).Take(max - items.Count));
            segment++;
        }

        return items;
    }

    private async Task<StoredRecord<LogSegment>> ReadRecordAsync(string name)
    {
        var state = new StoredRecord<LogSegment>();
        await _storage.ReadStateAsync(name, this.GetGrainId(), state);
        return state;
    }

    /// <summary>Deletes chunks whose items are in sealed segments; one left behind only costs storage.</summary>
    private async Task DeleteChunksAsync(List<Chunk> chunks)
    {
        foreach (var chunk in chunks)
        {
            try
            {
                await _storage.ClearStateAsync(ChunkName(chunk.First), this.GetGrainId(), chunk.Record);
            }
            catch (Exception ex)
            {
                LogTrimFailed(ex, chunk.First);
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

    /// <summary>Drops whole sealed segments that hold nothing retention keeps and are outside the catch-up window.</summary>
    private async Task TrimAsync()
    {
        var oldestKept = _replayable.Count > 0 ? LogSegment.Of(_replayable.Peek().Position) : _sealedSegments;
        var keepFrom = Math.Min(oldestKept, _sealedSegments - CatchUpWindowSegments);
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

    [LoggerMessage(5, LogLevel.Warning, "Could not seal or trim segment {Segment}; tried again after the next commit", EventName = "SealFailed")]
    private partial void LogSealFailed(Exception exception, long segment);

    /// <summary>A chunk the head names: the positions of one commit and its stored record (for its ETag when deleted).</summary>
    private sealed record Chunk(long First, long Last, StoredRecord<LogSegment> Record);
}
