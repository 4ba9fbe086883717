using System.Buffers.Text;
using System.Text;

namespace ServerEvents.Protocol;

/// <summary>
/// Encodes one Server-Sent Events frame, <c>id: N\ndata: selector body\n\n</c>, as UTF-8 bytes.
/// </summary>
/// <remarks>
/// A frame is encoded once per event and the same bytes are written to every recipient.
/// The body is always single-line JSON (or empty for a null message), so one <c>data:</c> line suffices.
/// </remarks>
public static class EventFrame
{
    private static ReadOnlySpan<byte> IdPrefix => "id: "u8;
    private static ReadOnlySpan<byte> DataPrefix => "\ndata: "u8;
    private static ReadOnlySpan<byte> Terminator => "\n\n"u8;

    /// <summary>Encodes a frame.</summary>
    /// <param name="id">The event id (the resume cursor).</param>
    /// <param name="selector">The full selector, including any <c>channel@</c> prefix.</param>
    /// <param name="body">Single-line JSON, or empty for a null message.</param>
    public static byte[] Encode(long id, string selector, string body)
    {
        Span<byte> idText = stackalloc byte[20];
        Utf8Formatter.TryFormat(id, idText, out var idLength);

        var length = IdPrefix.Length + idLength + DataPrefix.Length
            + Encoding.UTF8.GetByteCount(selector) + 1 + Encoding.UTF8.GetByteCount(body) + Terminator.Length;
        var frame = new byte[length];
        var span = frame.AsSpan();

        IdPrefix.CopyTo(span);
        span = span[IdPrefix.Length..];
        idText[..idLength].CopyTo(span);
        span = span[idLength..];
        DataPrefix.CopyTo(span);
        span = span[DataPrefix.Length..];
        span = span[Encoding.UTF8.GetBytes(selector, span)..];
        span[0] = (byte)' ';
        span = span[1..];
        span = span[Encoding.UTF8.GetBytes(body, span)..];
        Terminator.CopyTo(span);
        return frame;
    }

    /// <summary>Reads the selector and body back from a frame made by <see cref="Encode"/>.</summary>
    /// <param name="frame">The whole frame.</param>
    public static (string Selector, string Body) DecodeText(ReadOnlySpan<byte> frame)
    {
        // A selector never holds white space (EventSelector), so the first space after "data: " ends it.
        var data = frame[(frame.IndexOf(DataPrefix) + DataPrefix.Length)..^Terminator.Length];
        var space = data.IndexOf((byte)' ');
        return (Encoding.UTF8.GetString(data[..space]), Encoding.UTF8.GetString(data[(space + 1)..]));
    }
}
