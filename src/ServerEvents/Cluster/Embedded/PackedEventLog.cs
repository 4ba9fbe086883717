using System.Diagnostics;
using System.Text;

namespace ServerEvents.Cluster.Embedded;

/// <summary>
/// The embedded tier's replay log: each retained event's frame and routing data packed into large buffers, which are
/// reused once their events are evicted. Not thread-safe; <see cref="InMemoryEventBus"/> calls it under its lock.
/// </summary>
/// <remarks>
/// The log keeps the last seconds or minutes of events, so every event in it outlives the young garbage collections
/// that run meanwhile. Kept as objects (the event, its frame, selector, body and channel), each young collection
/// would copy all of them while every open stream waits (bench/RESULTS.md, "The many-channel tail, traced"). Packed,
/// they are a few arrays that live in the large object heap and are never copied, and a steady log allocates
/// nothing once its buffers exist. Reads decode fresh events from the bytes, one replay page at a time.
/// </remarks>
internal sealed class PackedEventLog
{
    /// <summary>The size of one buffer: over the large-object threshold (85,000 bytes), so no young collection copies it.</summary>
    internal const int ChunkSize = 128 * 1024;

    // Buffers kept for reuse when their events are evicted: enough for a steady log to allocate none, few enough
    // that a burst's buffers are given back once it has aged out.
    private const int SpareChunks = 4;

    private const int NoText = -1;

    private readonly Queue<byte[]> _chunks = new();
    private readonly Stack<byte[]> _spares = new();
    private Record[] _records = new Record[1024];
    private byte[]? _current;
    private int _used;
    private int _first;

    /// <summary>How many events the log holds.</summary>
    public int Count { get; private set; }

    /// <summary>
    /// The bytes the held events take in the buffers, counting the end of a buffer an event did not fit in as its
    /// predecessor's: the memory the log holds for them, so that <see cref="EventLogRetention.MaxBytes"/> bounds it.
    /// </summary>
    public long Bytes { get; private set; }

    /// <summary>The position of the oldest held event, or <see langword="null"/> when the log is empty.</summary>
    public long? OldestId => Count > 0 ? _records[_first].Id : null;

    /// <summary>When the oldest held event was published; only while <see cref="Count"/> is positive.</summary>
    public DateTimeOffset OldestCreatedAt => new(_records[_first].CreatedAtTicks, TimeSpan.Zero);

    /// <summary>Appends an event, which must come after every held one.</summary>
    public void Append(ClusterEvent clusterEvent)
    {
        Debug.Assert(Count == 0 || clusterEvent.Id > _records[Index(Count - 1)].Id, "Positions are appended in order.");

        var frame = clusterEvent.Frame.Span;
        var target = clusterEvent.Target;
        var keyLength = TextLength(target.Key);
        var filterLength = TextLength(target.ChannelFilter);
        var traceParentLength = TextLength(clusterEvent.TraceParent);
        var length = Record.LengthOf(keyLength, filterLength, traceParentLength, frame.Length);

        var chunk = Reserve(length);
        var offset = _used;
        var span = chunk.AsSpan(offset, length);
        span = span[WriteText(target.Key, span)..];
        span = span[WriteText(target.ChannelFilter, span)..];
        span = span[WriteText(clusterEvent.TraceParent, span)..];
        frame.CopyTo(span);
        _used += length;

        if (Count == _records.Length)
        {
            Grow();
        }

        _records[Index(Count)] = new Record(
            clusterEvent.Id, clusterEvent.CreatedAt.UtcTicks, chunk, offset, target.Kind, keyLength, filterLength, traceParentLength, frame.Length, Unused: 0);
        Count++;
        Bytes += length;
    }

    /// <summary>Drops the oldest event; only while <see cref="Count"/> is positive.</summary>
    /// <returns>Its position.</returns>
    public long RemoveOldest()
    {
        var oldest = _records[_first];
        _records[_first] = default;
        _first = Index(1);
        Count--;
        Bytes -= oldest.Held;

        if (Count == 0)
        {
            // Nothing refers to any buffer now: start the newest one over and give the others back.
            while (_chunks.Count > 1)
            {
                Release(_chunks.Dequeue());
            }

            _used = 0;
        }
        else if (oldest.Chunk != _current && _records[_first].Chunk != oldest.Chunk)
        {
            // Buffers fill in order, so the oldest event's buffer is the oldest buffer.
            var released = _chunks.Dequeue();
            Debug.Assert(released == oldest.Chunk, "Buffers are released oldest first.");
            Release(released);
        }

        return oldest.Id;
    }

    /// <summary>The held events with positions in (<paramref name="after"/>, <paramref name="through"/>], oldest first, decoded afresh.</summary>
    public List<ClusterEvent> Read(long after, long through)
    {
        var events = new List<ClusterEvent>();
        for (var i = FirstAfter(after); i < Count; i++)
        {
            ref readonly var record = ref _records[Index(i)];
            if (record.Id > through)
            {
                break;
            }

            events.Add(Decode(record));
        }

        return events;
    }

    private static ClusterEvent Decode(in Record record)
    {
        var span = record.Chunk.AsSpan(record.Offset, record.Length);
        var key = ReadText(ref span, record.KeyLength);
        var filter = ReadText(ref span, record.FilterLength);
        var traceParent = ReadText(ref span, record.TraceParentLength);
        return new ClusterEvent(record.Id, new EventTarget(record.Kind, key, filter), span.ToArray(), new DateTimeOffset(record.CreatedAtTicks, TimeSpan.Zero))
        {
            TraceParent = traceParent,
        };
    }

    // The first index whose position is after the cursor: positions ascend, with holes where unreplayable events were.
    private int FirstAfter(long after)
    {
        int low = 0, high = Count;
        while (low < high)
        {
            var middle = low + ((high - low) / 2);
            if (_records[Index(middle)].Id <= after)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private byte[] Reserve(int length)
    {
        if (_current is not null && _current.Length - _used >= length)
        {
            return _current;
        }

        // The end of the buffer is left unused; the newest event, the last in it, holds it until it is evicted.
        if (Count > 0 && _current is not null)
        {
            ref var newest = ref _records[Index(Count - 1)];
            newest = newest with { Unused = _current.Length - _used };
            Bytes += newest.Unused;
        }

        _current = length <= ChunkSize && _spares.TryPop(out var spare) ? spare : new byte[Math.Max(length, ChunkSize)];
        _chunks.Enqueue(_current);
        _used = 0;
        return _current;
    }

    private void Release(byte[] chunk)
    {
        if (chunk.Length == ChunkSize && _spares.Count < SpareChunks)
        {
            _spares.Push(chunk);
        }
    }

    private void Grow()
    {
        var grown = new Record[_records.Length * 2];
        for (var i = 0; i < Count; i++)
        {
            grown[i] = _records[Index(i)];
        }

        _records = grown;
        _first = 0;
    }

    private int Index(int i) => (_first + i) % _records.Length;

    private static int TextLength(string? text) => text is null ? NoText : Encoding.UTF8.GetByteCount(text);

    private static int WriteText(string? text, Span<byte> destination) => text is null ? 0 : Encoding.UTF8.GetBytes(text, destination);

    private static string? ReadText(ref Span<byte> span, int length)
    {
        if (length == NoText)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(span[..length]);
        span = span[length..];
        return text;
    }

    // One held event: where its bytes are (key, channel filter, traceparent, then the frame), what routes it, and
    // the unused end of its buffer when it was the last event to fit.
    private readonly record struct Record(
        long Id,
        long CreatedAtTicks,
        byte[] Chunk,
        int Offset,
        EventTargetKind Kind,
        int KeyLength,
        int FilterLength,
        int TraceParentLength,
        int FrameLength,
        int Unused)
    {
        public int Length => LengthOf(KeyLength, FilterLength, TraceParentLength, FrameLength);

        public int Held => Length + Unused;

        public static int LengthOf(int keyLength, int filterLength, int traceParentLength, int frameLength) =>
            Math.Max(keyLength, 0) + Math.Max(filterLength, 0) + Math.Max(traceParentLength, 0) + frameLength;
    }
}
