namespace ServerEvents.Bench.Baseline;

/// <summary>Encodes one single-line Server-Sent Events frame.</summary>
internal static class SseFrame
{
    private static ReadOnlySpan<byte> Prefix => "data: "u8;
    private static ReadOnlySpan<byte> Terminator => "\n\n"u8;

    /// <summary>Returns <c>data: body\n\n</c>; the body must not contain a line break.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> body)
    {
        var frame = new byte[Prefix.Length + body.Length + Terminator.Length];
        Prefix.CopyTo(frame);
        body.CopyTo(frame.AsSpan(Prefix.Length));
        Terminator.CopyTo(frame.AsSpan(Prefix.Length + body.Length));
        return frame;
    }
}
