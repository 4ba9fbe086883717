using System.Buffers.Text;
using System.Text;

namespace ServerEvents.Bench.LoadGenerator.Protocol;

/// <summary>What a published message is for.</summary>
internal enum PayloadKind : byte
{
    /// <summary>Proves a stream is live before measuring; not timed.</summary>
    WarmUp = (byte)'w',

    /// <summary>Timed and counted.</summary>
    Measured = (byte)'m',
}

/// <summary>What a message body carries: the time latency is measured from, the message's number and its kind.</summary>
/// <param name="Timestamp"><see cref="System.Diagnostics.Stopwatch"/> ticks: the message's due time (see Publisher).</param>
/// <param name="Sequence">The message's number in its run (0, 1, 2, …); 0 for warm-up messages.</param>
/// <param name="Kind">Whether the message is timed.</param>
internal readonly record struct PayloadStamp(long Timestamp, long Sequence, PayloadKind Kind);

/// <summary>
/// The 100-byte message body: <c>~t</c>, the timestamp as 19 digits of <see cref="System.Diagnostics.Stopwatch"/>
/// ticks, <c>~</c>, the kind, <c>~</c>, the sequence number as 10 digits, <c>~</c>, then filler. Every character is
/// plain ASCII that needs no JSON escaping, so the marker survives unchanged whether a subject sends the body raw
/// (nchan, baseline) or as a JSON string (ours).
/// </summary>
/// <remarks>
/// Stopwatch ticks come from CLOCK_MONOTONIC, which every process on the machine shares, so the coordinator
/// that publishes and the worker processes that receive compare timestamps from one clock.
/// </remarks>
internal static class Payload
{
    /// <summary>The body's length in bytes.</summary>
    public const int Size = 100;

    private const int StampDigits = 19;
    private const int SequenceDigits = 10;
    private static ReadOnlySpan<byte> Marker => "~t"u8;

    /// <summary>Creates a body that carries <paramref name="stamp"/>.</summary>
    public static string Create(PayloadStamp stamp)
    {
        var text = new StringBuilder(Size)
            .Append("~t").Append(stamp.Timestamp.ToString("D19", System.Globalization.CultureInfo.InvariantCulture))
            .Append('~').Append((char)stamp.Kind)
            .Append('~').Append(stamp.Sequence.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)).Append('~');
        return text.Append('x', Size - text.Length).ToString();
    }

    /// <summary>Finds a stamped body in an SSE <c>data:</c> line.</summary>
    public static bool TryRead(ReadOnlySpan<byte> line, out PayloadStamp stamp)
    {
        stamp = default;
        var at = line.IndexOf(Marker);
        if (at < 0)
        {
            return false;
        }

        // <timestamp>~<kind>~<sequence>~
        var rest = line[(at + Marker.Length)..];
        const int kindAt = StampDigits + 1;
        const int sequenceAt = kindAt + 2;
        if (rest.Length < sequenceAt + SequenceDigits + 1 || rest[StampDigits] != (byte)'~' || rest[kindAt + 1] != (byte)'~'
            || rest[sequenceAt + SequenceDigits] != (byte)'~'
            || !TryParseDigits(rest[..StampDigits], out var timestamp)
            || !TryParseDigits(rest.Slice(sequenceAt, SequenceDigits), out var sequence))
        {
            return false;
        }

        stamp = new PayloadStamp(timestamp, sequence, (PayloadKind)rest[kindAt]);
        return stamp.Kind is PayloadKind.WarmUp or PayloadKind.Measured;
    }

    private static bool TryParseDigits(ReadOnlySpan<byte> digits, out long value) =>
        Utf8Parser.TryParse(digits, out value, out var consumed) && consumed == digits.Length;
}
