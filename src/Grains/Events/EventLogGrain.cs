using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Storage;
using Orleans.Streams;
using Orleans.Utilities;
using ServerEvents.Grains.Hosting;
using ServerEvents.Grains.Storage;

namespace ServerEvents.Grains.Events;

/// <summary>
/// The sequencer. Publishes that arrive while a commit is in flight wait and go together in the next one, so one
/// commit (one storage write, one stream message) serves many publishes. A commit is one chunk: its items, created
/// under the name of its first position, and only created (a write that finds the record there fails). The chunks form
/// a chain, each starting after the last position of the one before, so the create is the fence: a second activation
/// (after a silo was wrongly declared dead) that reaches for a position already stored fails there and deactivates
/// before it answers anyone, and no position is ever stored twice. Then the answers, then the stream publish; the
/// stream is only the fast path, and a front-end that misses a message reads the log. The head (grain state) is written
/// when an activation starts (its new ETag fences the previous activation's head writes), after completed segments are
/// sealed (written whole, once), so it can stop naming the chunks they cover, which are then deleted, and once a second
/// while the chain grows, so an activation walks only the chunks created since then to find the end of the log.
/// <para>
/// A publish that asks for <see cref="LogFanOut.BeforeCommit"/> is given its positions and handed to the stream as it
/// arrives, and answered after its commit as any other. It takes its positions from a block the head reserves
/// beforehand (a head write, renewed when half of it is used), so a new activation knows which positions may have
/// been seen without being stored, stores them as voids, and never hands them out again.
/// </para>
/// <para>
/// Each batch goes to the front-ends' registered observers (<see cref="ILogBatchObserver"/>) when there are any, and
/// to the stream otherwise. The log learns the transport from those registrations rather than from a silo setting or
/// the append calls: the front-ends choose it (<c>ServerEvents:Cluster:Orleans:FanOutTransport</c>) and only the
/// listening side matters, so there is no second setting to keep in step with theirs and no change to the publish
/// path. It is correct whatever the mix, because correctness never rests on the fast path: while a change of
/// transport rolls out, a front-end still on the stream hears nothing, takes its subscription for lost and catches up
/// from the log every <c>StreamSilenceTimeout</c> (late, never lost), and a new activation publishes to the stream
/// until the observers have renewed their registrations.
/// </para>
/// </summary>
[Reentrant]
public sealed partial class EventLogGrain : Grain, IEventLogGrain
{
    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);

    // How often the head is written while the chain grows without a seal: bounds what a new activation walks.
    private static readonly TimeSpan HeadPeriod = TimeSpan.FromSeconds(1);

    // Segments kept behind the open one whatever the retention says, so a front-end whose stream lagged can still
    // read the signals and non-replayable events it missed.
    private const int CatchUpWindowSegments = 4;
    private const int CachedSegments = 8;

    // One round's items: bounds one chunk write and one stream message.
    private const int MaxRoundItems = 1024;

    // The least time between the starts of commits that only publishers wait for (their items were handed to the
    // stream before): fewer, larger storage writes, the storage's cost per write being most of the tier's, and each
    // write a billed storage transaction. At 50 ms a publish is acknowledged about 10 ms later on average than at
    // 30 ms (at most 20), and a commit's two requests (chunk create, later its delete) come 20 times a second instead
    // of 33; at 100 ms a publisher with 64 publishes in flight fell behind 1,000 a second.
    private static readonly TimeSpan EarlyCommitSpacing = TimeSpan.FromMilliseconds(50);

    // Positions reserved at a time for handing out before their commit: a head write per half this many such publishes,
    // and at most this many voids after a silo is lost.
    private const int ReservationBlock = 4096;

    private readonly IPersistentState<LogHead> _head;
    private readonly ILogger<EventLogGrain> _logger;
    private readonly Dictionary<long, StoredRecord<LogSegment>> _sealed = [];

    // The ETag of every sealed segment still kept, so a trim deletes one without reading it back first.
    private readonly Dictionary<long, string?> _sealedETags = [];
    private readonly List<Chunk> _chunks = [];
    private readonly List<LogItem> _unsealed = [];
    private readonly Queue<(long Position, DateTimeOffset CreatedAt)> _replayable = new();
    private readonly List<PendingAppend> _pending = [];
    private readonly List<LogItem> _early = [];
    private readonly List<LogItem> _unpublished = [];
    private readonly ObserverManager<ILogBatchObserver> _observers;
    private readonly FanOutOptions _fanOut;
    private ObserverCallPacer _observerCalls = null!;
    private IGrainStorage _storage = null!;
    private IAsyncStream<LogBatch> _stream = null!;
    private TimeProvider _time = TimeProvider.System;
    private LogRetention _retention = new(int.MaxValue, TimeSpan.MaxValue);
    private LogSegmentation _segments = new(LogSegment.DefaultSize);
    private long _committed;
    private long _assigned;
    private long _visible;
    private long _reserved;
    private bool _reserveWanted;
    private long _commitStarted;
    private long _evictedThrough;
    private long _firstSegment;
    private long _sealedSegments;
    private bool _committing;
    private bool _publishing;
    private bool _maintaining;
    private bool _fenced;
    private DateTimeOffset _lastPublished;
    private DateTimeOffset _headWritten;

    /// <summary>Creates the grain.</summary>
    public EventLogGrain(
        [PersistentState("head", OrleansNames.GrainStorage)] IPersistentState<LogHead> head,
        IOptions<FanOutOptions> fanOut,
        ILogger<EventLogGrain> logger)
    {
        _fanOut = fanOut.Value;
        _head = head;
        _logger = logger;
        _observers = new ObserverManager<ILogBatchObserver>(TimeSpan.Zero, logger);
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _storage = ServiceProvider.GetRequiredKeyedService<IGrainStorage>(OrleansNames.GrainStorage);
        _time = ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
        _observers.GetDateTime = () => _time.GetUtcNow().UtcDateTime;
        _observerCalls = new ObserverCallPacer(_fanOut.ObserverCallSpacing, _time);
        _stream = this.GetStreamProvider(OrleansNames.StreamProvider).GetStream<LogBatch>(FanOutStream.Id(this.GetPrimaryKeyString()));
        if (!_head.RecordExists)
        {
            _head.State.Epoch = Random.Shared.NextInt64(1, long.MaxValue);
            _head.State.SegmentSize = LogSegment.DefaultSize;
        }

        _segments = new LogSegmentation(_head.State.SegmentSize > 0 ? _head.State.SegmentSize : LogSegment.FirstSize);

        _firstSegment = _head.State.FirstSegment;
        _evictedThrough = _firstSegment > 0 ? _segments.LastPositionOf(_firstSegment - 1) : 0;
        await LoadAsync();
        await WriteHeadAsync();
        this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TickPeriod, TickPeriod) { KeepAlive = true, Interleave = true });
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // Hands back the unused part of the reserved block, so the next activation has no voids to store.
        if (!_fenced && !_maintaining && _reserved > _assigned)
        {
            _reserveWanted = false;
            _reserved = _assigned;
            try
            {
                await WriteHeadAsync();
            }
            catch (Exception)
            {
                // Logged where it failed; the next activation stores the rest of the block as voids instead.
            }
        }
    }

    /// <inheritdoc />
    public Task<long[]> AppendAsync(IReadOnlyList<LogAppend> items, LogRetention retention, LogFanOut fanOut)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            return Task.FromResult(Array.Empty<long>());
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(items.Count, MaxRoundItems);

        _retention = retention;
        var append = new PendingAppend(items, fanOut);
        _pending.Add(append);
        if (fanOut == LogFanOut.BeforeCommit)
        {
            FanOutEarly();
        }

        if (!_committing)
        {
            _ = CommitLoopAsync();
        }

        return append.Answer.Task;
    }

    /// <inheritdoc />
    public async Task<LogSlice> ReadAsync(long after, long through, DateTimeOffset now, LogRetention retention)
    {
        _retention = retention;
        ApplyRetention(now);
        var items = await ReadRangeAsync(Math.Max(after, _evictedThrough), Math.Min(through, _visible), int.MaxValue);
        long? oldest = _replayable.Count > 0 ? _replayable.Peek().Position : null;
        return new LogSlice([.. items.Where(i => i.IsReplayable && i.Position > _evictedThrough)], _visible, _evictedThrough, oldest, _head.State.Epoch);
    }

    /// <inheritdoc />
    public async Task<LogBatch> ReadItemsAsync(long after, int max)
    {
        var newest = _visible;
        return new LogBatch(_head.State.Epoch, newest, await ReadRangeAsync(after, newest, Math.Max(1, max)));
    }

    /// <inheritdoc />
    public Task<LogBatch> GetHeadAsync() => Task.FromResult(new LogBatch(_head.State.Epoch, _visible, []));

    /// <inheritdoc />
    public Task RegisterObserverAsync(ILogBatchObserver observer, TimeSpan lease)
    {
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);

        // One lease for all: the front-ends of a deployment share their configuration, and the longest keeps any of
        // them from lapsing between its renewals.
        if (lease > _observers.ExpirationDuration)
        {
            _observers.ExpirationDuration = lease;
        }

        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnregisterObserverAsync(ILogBatchObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Reads the sealed segments, the chunks the head names, then walks the chain past them (the chunks created since
    /// the head was written) to the end of the log, and stores as voids the reserved positions no chunk holds.
    /// </summary>
    private async Task LoadAsync()
    {
        var head = _head.State.Head;
        var chunks = _head.State.OpenChunks;

        // Heads written before segments could be sealed off the commit path named only chunks of the open segment.
        _sealedSegments = Math.Max(_head.State.SealedSegments, chunks.Count > 0 ? _segments.Of(chunks[0]) : _segments.Of(head + 1));
        for (var segment = _firstSegment; segment < _sealedSegments; segment++)
        {
            var state = await ReadRecordAsync(SegmentName(segment));
            Index(state.State.Items);
            _sealedETags[segment] = state.RecordExists ? state.ETag : null;
            if (segment >= _sealedSegments - CachedSegments)
            {
                _sealed[segment] = state;
            }
        }

        var records = await Task.WhenAll(chunks.Select(first => ReadRecordAsync(ChunkName(first))));
        for (var i = 0; i < chunks.Count; i++)
        {
            var last = i + 1 < chunks.Count ? chunks[i + 1] - 1 : head;
            AddLoaded(chunks[i], records[i].RecordExists && records[i].State.Items.Count > 0 ? records[i] : await VoidAsync(chunks[i], last));
        }

        var end = await WalkAsync(Math.Max(head, _chunks.Count > 0 ? _chunks[^1].Last : 0));
        while (end < _head.State.Reserved)
        {
            try
            {
                AddLoaded(end + 1, await VoidAsync(end + 1, _head.State.Reserved));
                end = _head.State.Reserved;
            }
            catch (InconsistentStateException)
            {
                // The previous activation, still running, stored that position first: walk on from it.
                end = await WalkAsync(end);
            }
        }

        var sealedThrough = _segments.LastPositionOf(_sealedSegments - 1);
        foreach (var chunk in _chunks)
        {
            _unsealed.AddRange(chunk.Record.State.Items.Where(item => item.Position > sealedThrough));
        }

        Index(_unsealed);
        _committed = _assigned = _visible = _reserved = end;
        _headWritten = _time.GetUtcNow();
    }

    /// <summary>Follows the chain of chunks created after <paramref name="end"/> and returns the last position it holds.</summary>
    private async Task<long> WalkAsync(long end)
    {
        while (true)
        {
            var next = await ReadRecordAsync(ChunkName(end + 1));
            if (!next.RecordExists || next.State.Items.Count == 0)
            {
                return end;
            }

            AddLoaded(end + 1, next);
            end = _chunks[^1].Last;
        }
    }

    private void AddLoaded(long first, StoredRecord<LogSegment> record) =>
        _chunks.Add(new Chunk(first, record.State.Items[^1].Position, record));

    /// <summary>
    /// Stores positions a head names or reserves but no chunk holds as voids, so readers step over them: positions
    /// handed out before they were stored, by an activation that never stored them (or a head written before commits
    /// became chunk creates). The write creates the record or fails, so a late chunk write of that activation and this
    /// cannot both land.
    /// </summary>
    private async Task<StoredRecord<LogSegment>> VoidAsync(long first, long last)
    {
        var chunk = new StoredRecord<LogSegment>();
        var now = _time.GetUtcNow();
        for (var position = first; position <= last; position++)
        {
            chunk.State.Items.Add(new LogItem(position, now, null, null));
        }

        await _storage.WriteStateAsync(ChunkName(first), this.GetGrainId(), chunk);
        LogVoided(first, last);
        return chunk;
    }

    private async Task CommitLoopAsync()
    {
        _committing = true;
        try
        {
            while (true)
            {
                await LingerAsync();
                if (TakeRound() is not { Count: > 0 } round)
                {
                    break;
                }

                if (_fenced)
                {
                    Refuse(round, new OrleansException("The event log is being reloaded after a failed commit; retry."));
                    continue;
                }

                _commitStarted = _time.GetTimestamp();
                await CommitAsync(round);
            }
        }
        finally
        {
            _committing = false;
        }
    }

    /// <summary>
    /// When everything waiting was already handed to the stream, only its publishers wait for the commit: it then
    /// waits until <see cref="EarlyCommitSpacing"/> after the previous one began, so more go in one storage write.
    /// </summary>
    private async Task LingerAsync()
    {
        if (_fenced || _pending.Count == 0 || !_pending.TrueForAll(a => a.Items is not null))
        {
            return;
        }

        var wait = EarlyCommitSpacing - _time.GetElapsedTime(_commitStarted);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time);
        }
    }

    /// <summary>
    /// Takes the waiting requests, oldest first, up to <see cref="MaxRoundItems"/> items (at least one request), but
    /// none from the first <see cref="LogFanOut.BeforeCommit"/> one still waiting for a reserved position on: it and
    /// those behind it go once the next block is reserved, so it is handed to the stream before its commit, as asked.
    /// A fenced log takes everything, to refuse it.
    /// </summary>
    private List<PendingAppend> TakeRound()
    {
        var count = 0;
        var taken = 0;
        while (count < _pending.Count
            && (_fenced || _pending[count].Items is not null || _pending[count].FanOut != LogFanOut.BeforeCommit)
            && (count == 0 || taken + _pending[count].Appends.Count <= MaxRoundItems))
        {
            taken += _pending[count].Appends.Count;
            count++;
        }

        var round = _pending.GetRange(0, count);
        _pending.RemoveRange(0, count);
        return round;
    }

    /// <summary>
    /// Creates the round's chunk after the last stored position; once it is durable, answers and hands the items on.
    /// A create that fails (another activation stored that position, or storage is away and the write may or may not
    /// have landed) leaves this activation unsure where the log ends: it refuses everything and deactivates, and the
    /// next activation walks the chain to find out.
    /// </summary>
    private async Task CommitAsync(List<PendingAppend> round)
    {
        // Positions are handed out in arrival order, so the round's early ones (if any) come first and the rest follow.
        var first = _committed + 1;
        var chunk = new StoredRecord<LogSegment>();
        var early = 0;
        foreach (var append in round)
        {
            if (append.Items is null)
            {
                Assign(append);
            }
            else
            {
                early += append.Items.Length;
            }

            chunk.State.Items.AddRange(append.Items!);
        }

        var position = chunk.State.Items[^1].Position;

        try
        {
            // No ETag: the storage creates the record or fails if it exists.
            await _storage.WriteStateAsync(ChunkName(first), this.GetGrainId(), chunk);
        }
        catch (Exception ex)
        {
            if (!_fenced)
            {
                Fence();
                LogCommitFailed(ex, first, position);
            }

            Refuse(round, ex);
            return;
        }

        var items = chunk.State.Items;
        _chunks.Add(new Chunk(first, position, chunk));
        _unsealed.AddRange(items);
        _early.RemoveRange(0, early);
        _committed = position;
        if (early < items.Count)
        {
            var late = items.GetRange(early, items.Count - early);
            _visible = position;
            Index(late);
            Publish(late);
        }

        ApplyRetention(items.Max(i => i.CreatedAt));
        foreach (var append in round)
        {
            append.Answer.SetResult([.. append.Items!.Select(i => i.Position)]);
        }

        // Early publishes that waited behind this round's late ones may go now.
        FanOutEarly();
        if (!_maintaining)
        {
            _ = MaintainAsync();
        }
    }

    /// <summary>
    /// Gives waiting <see cref="LogFanOut.BeforeCommit"/> publishes their positions and hands them to the stream, in
    /// arrival order, while the reserved block lasts and no earlier position still waits for its commit to be seen;
    /// asks for the next block when half of this one is used.
    /// </summary>
    private void FanOutEarly()
    {
        if (_fenced || !_pending.Exists(a => a.Items is null && a.FanOut == LogFanOut.BeforeCommit))
        {
            return;
        }

        var handed = new List<LogItem>();
        foreach (var append in _pending)
        {
            if (append.Items is not null)
            {
                continue;
            }

            if (append.FanOut != LogFanOut.BeforeCommit || _assigned != _visible || _assigned + append.Appends.Count > _reserved)
            {
                break;
            }

            Assign(append);
            _visible = _assigned;
            handed.AddRange(append.Items!);
        }

        if (handed.Count > 0)
        {
            _early.AddRange(handed);
            Index(handed);
            Publish(handed);
            if (!_committing)
            {
                _ = CommitLoopAsync();
            }
        }

        if (_reserved - _assigned < ReservationBlock / 2)
        {
            _reserveWanted = true;
            if (!_maintaining)
            {
                _ = MaintainAsync();
            }
        }
    }

    /// <summary>Gives a publish the next positions.</summary>
    private void Assign(PendingAppend append)
    {
        var items = new LogItem[append.Appends.Count];
        for (var i = 0; i < items.Length; i++)
        {
            var logged = append.Appends[i];
            items[i] = new LogItem(++_assigned, logged.CreatedAt, logged.Event, logged.Signal);
        }

        append.Items = items;
    }

    private void Publish(IEnumerable<LogItem> items)
    {
        _unpublished.AddRange(items);
        if (_unpublished.Count >= _fanOut.ObserverCallItems)
        {
            _observerCalls.CallNow();
        }

        if (!_publishing)
        {
            _ = PublishLoopAsync();
        }
    }

    /// <summary>This activation no longer knows where the log ends: it refuses everything until a new one has walked the chain.</summary>
    private void Fence()
    {
        _fenced = true;
        DeactivateOnIdle();
        if (!_committing)
        {
            // Refuses what waits for a reservation that will not come.
            _ = CommitLoopAsync();
        }
    }

    private static void Refuse(List<PendingAppend> round, Exception exception)
    {
        foreach (var append in round)
        {
            append.Answer.TrySetException(exception);
        }
    }

    /// <summary>
    /// Seals every completed segment (written whole, once), trims, then writes the head when a seal let it drop chunks,
    /// the chain has grown for <see cref="HeadPeriod"/> or the next reserved block is wanted; off the commit path, one
    /// run at a time.
    /// </summary>
    private async Task MaintainAsync()
    {
        _maintaining = true;
        try
        {
            var sealedBefore = _sealedSegments;
            if (_reserveWanted && !_fenced)
            {
                // Early publishes may be waiting for it; the seals can wait for them.
                await WriteHeadAsync();
            }

            while (!_fenced && _committed >= _segments.LastPositionOf(_sealedSegments))
            {
                var segment = _sealedSegments;
                var last = _segments.LastPositionOf(segment);
                var record = new StoredRecord<LogSegment> { State = new LogSegment { Items = [.. _unsealed.TakeWhile(i => i.Position <= last)] } };
                await WriteOnceAsync(SegmentName(segment), record);

                // Only appends happened meanwhile, so the sealed items are still the list's head.
                _unsealed.RemoveRange(0, record.State.Items.Count);
                _sealed[segment] = record;
                _sealed.Remove(segment - CachedSegments);
                _sealedETags[segment] = record.ETag;
                _sealedSegments = segment + 1;
            }

            await TrimAsync();
            if (!_fenced && (_reserveWanted || _sealedSegments > sealedBefore || (_head.State.Head < _committed && _time.GetUtcNow() - _headWritten >= HeadPeriod)))
            {
                await WriteHeadAsync();
            }

            // Early publishes used up half the block while the head was being written.
            while (!_fenced && _reserveWanted)
            {
                await WriteHeadAsync();
            }
        }
        catch (Exception ex)
        {
            // Tried again after the next commit or tick; until then the head keeps naming the chunks, which hold the same
            // items, and an activation walks a little further.
            LogSealFailed(ex, _sealedSegments);
        }
        finally
        {
            _maintaining = false;
        }
    }

    /// <summary>
    /// Writes the head, fenced by its ETag (a second activation's head write fails here), naming the chunks not wholly
    /// inside sealed segments and reserving the next block when it is wanted; then deletes the chunks it no longer
    /// names.
    /// </summary>
    private async Task WriteHeadAsync()
    {
        var sealedThrough = _segments.LastPositionOf(_sealedSegments - 1);
        var dropped = _chunks.TakeWhile(c => c.Last <= sealedThrough).Count();
        var reserve = _reserveWanted ? Math.Max(_reserved, _assigned + ReservationBlock) : _reserved;
        _head.State.Head = _committed;
        _head.State.FirstSegment = _firstSegment;
        _head.State.SealedSegments = _sealedSegments;
        _head.State.OpenChunks = [.. _chunks.Skip(dropped).Select(c => c.First)];
        _head.State.Reserved = reserve;
        _headWritten = _time.GetUtcNow();
        try
        {
            await _head.WriteStateAsync();
        }
        catch (Exception ex) when (!_fenced)
        {
            Fence();
            LogHeadWriteFailed(ex);
            throw;
        }

        if (reserve > _reserved)
        {
            _reserved = reserve;
            _reserveWanted = false;
            FanOutEarly();
        }

        // Only appends happened meanwhile, so the dropped chunks are still the list's head. Deleted beside the next
        // seals rather than before them: a backlog of deletes must not hold up sealing.
        if (dropped > 0)
        {
            _ = DeleteChunksAsync(_chunks.GetRange(0, dropped));
            _chunks.RemoveRange(0, dropped);
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
        var segment = Math.Max(_firstSegment, _segments.Of(after + 1));
        while (through > after && segment <= _segments.Of(through) && items.Count < max)
        {
            if (segment >= _sealedSegments)
            {
                // Everything from here on is in memory (checked after each await: a seal may have moved the boundary).
                var from = Math.Max(after, _segments.LastPositionOf(segment - 1));
                CopyRange(_unsealed, from, through, items, max);
                CopyRange(_early, from, through, items, max);
                break;
            }

            var stored = _sealed.TryGetValue(segment, out var cached) ? cached : await ReadRecordAsync(SegmentName(segment));
            CopyRange(stored.State.Items, after, through, items, max);
            segment++;
        }

        return items;
    }

    /// <summary>
    /// Adds the items of <paramref name="source"/> (in position order) after <paramref name="after"/> through
    /// <paramref name="through"/> to <paramref name="into"/> until it holds <paramref name="max"/>: a binary search for
    /// the start, since front-ends filling a gap read from the newest end of a segment's worth of items.
    /// </summary>
    private static void CopyRange(List<LogItem> source, long after, long through, List<LogItem> into, int max)
    {
        int low = 0, high = source.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (source[middle].Position <= after)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        for (var i = low; i < source.Count && source[i].Position <= through && into.Count < max; i++)
        {
            into.Add(source[i]);
        }
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
        var oldestKept = _replayable.Count > 0 ? _segments.Of(_replayable.Peek().Position) : _sealedSegments;
        var keepFrom = Math.Min(oldestKept, _sealedSegments - CatchUpWindowSegments);
        while (_firstSegment < keepFrom)
        {
            _sealed.Remove(_firstSegment);
            if (_sealedETags.Remove(_firstSegment, out var etag) && etag is not null)
            {
                await _storage.ClearStateAsync(SegmentName(_firstSegment), this.GetGrainId(), new StoredRecord<LogSegment> { ETag = etag, RecordExists = true });
            }

            _firstSegment++;
        }
    }

    /// <summary>
    /// Publishes committed items to the stream in order, one message at a time; commits go on meanwhile, and what they
    /// add while a message is in flight goes out together in the next one. Calls to observers return at once, so they
    /// are spaced instead (<see cref="ObserverCallPacer"/>) for the same effect.
    /// </summary>
    private async Task PublishLoopAsync()
    {
        _publishing = true;
        try
        {
            while (_unpublished.Count > 0)
            {
                if (_observers.Count > 0)
                {
                    await _observerCalls.WaitTurnAsync(full: _unpublished.Count >= _fanOut.ObserverCallItems);
                }

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
            _observers.ClearExpired();
            if (_observers.Count > 0)
            {
                // One one-way call per front-end: each returns once its message is queued, so a slow or dead front-end
                // holds up neither the others nor the log. A call that throws drops its observer, and one that is no
                // longer renewed lapses; either front-end notices the silence, registers again and reads the log.
                _observers.Notify(observer => { _ = observer.OnBatchAsync(batch); });
                return;
            }

            await _stream.OnNextAsync(batch);
        }
        catch (Exception ex)
        {
            // Front-ends notice the gap from the next batch or tick and read the log.
            LogPublishFailed(ex, batch.Newest);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        if (!_maintaining && !_fenced && (_head.State.Head < _committed || _reserveWanted))
        {
            _ = MaintainAsync();
        }

        if (_publishing || _fenced || _time.GetUtcNow() - _lastPublished < TickPeriod)
        {
            return;
        }

        await PublishAsync(new LogBatch(_head.State.Epoch, _visible, []));
    }

    private static string SegmentName(long segment) => $"log-segment-{segment}";

    private static string ChunkName(long firstPosition) => $"log-chunk-{firstPosition}";

    [LoggerMessage(1, LogLevel.Error, "Commit of positions {First} to {Last} failed; the event log deactivates and walks its chain again", EventName = "CommitFailed")]
    private partial void LogCommitFailed(Exception exception, long first, long last);

    [LoggerMessage(6, LogLevel.Error, "Writing the head of the event log failed; the event log deactivates and walks its chain again", EventName = "HeadWriteFailed")]
    private partial void LogHeadWriteFailed(Exception exception);

    [LoggerMessage(2, LogLevel.Warning, "Positions {First} to {Last} were handed out but never stored; marked void", EventName = "PositionsVoided")]
    private partial void LogVoided(long first, long last);

    [LoggerMessage(3, LogLevel.Warning, "Could not publish the batch through position {Position} to the fan-out stream or observers", EventName = "PublishFailed")]
    private partial void LogPublishFailed(Exception exception, long position);

    [LoggerMessage(4, LogLevel.Warning, "Could not delete the record of segment or chunk {Position}", EventName = "TrimFailed")]
    private partial void LogTrimFailed(Exception exception, long position);

    [LoggerMessage(5, LogLevel.Warning, "Could not seal or trim segment {Segment}; tried again after the next commit", EventName = "SealFailed")]
    private partial void LogSealFailed(Exception exception, long segment);

    /// <summary>A chunk the head names: the positions of one commit and its stored record (for its ETag when deleted).</summary>
    private sealed record Chunk(long First, long Last, StoredRecord<LogSegment> Record);

    /// <summary>A publish waiting for its commit; <see cref="Items"/> is set once it has its positions.</summary>
    private sealed class PendingAppend(IReadOnlyList<LogAppend> appends, LogFanOut fanOut)
    {
        public IReadOnlyList<LogAppend> Appends { get; } = appends;

        public LogFanOut FanOut { get; } = fanOut;

        public TaskCompletionSource<long[]> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LogItem[]? Items { get; set; }
    }
}
