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

/// <summary>
/// The 100-byte message body: <c>~t</c>, the send time as 19 digits of <see cref="System.Diagnostics.Stopwatch"/>
/// ticks, <c>~</c>, the kind, <c>~</c>, then filler. Every character is plain ASCII that needs no JSON escaping,
/// so the marker survives unchanged whether a subject sends the body raw (nchan, baseline) or as a JSON string (ours).
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
    private static ReadOnlySpan<byte> Marker => "~t"u8;

    /// <summary>Creates a body stamped with <paramref name="timestamp"/>.</summary>
    public static string Create(long timestamp, PayloadKind kind)
    {
        var text = new StringBuilder(Size)
            .Append("~t").Append(timestamp.ToString("D19", System.Globalization.CultureInfo.InvariantCulture))
            .Append('~').Append((char)kind).Append('~');
        return text.Append('x', Size - text.Length).ToString();
    }

    /// <summary>Finds a stamped body in an SSE <c>data:</c> line.</summary>
    public static bool TryRead(ReadOnlySpan<byte> line, out long timestamp, out PayloadKind kind)
    {
        timestamp = 0;
        kind = default;
        var at = line.IndexOf(Marker);
        if (at < 0)
        {
            return false;
        }

        var rest = line[(at + Marker.Length)..];
        if (rest.Length < StampDigits + 3 || rest[StampDigits] != (byte)'~'
            || !Utf8Parser.TryParse(rest[..StampDigits], out timestamp, out var consumed) || consumed != StampDigits)
        {
            return false;
        }

        kind = (PayloadKind)rest[StampDigits + 1];
        return kind is PayloadKind.WarmUp or PayloadKind.Measured;
    }
}
