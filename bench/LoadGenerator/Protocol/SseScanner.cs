namespace ServerEvents.Bench.LoadGenerator.Protocol;

/// <summary>
/// A streaming Server-Sent Events parser that only looks for stamped bodies: it splits the decoded body into
/// lines (carrying a partial line over to the next read) and reports an event when its blank line arrives.
/// </summary>
internal sealed class SseScanner(IPayloadSink sink)
{
    // onConnect frames run to several hundred bytes; nothing the subjects send comes near this.
    private const int MaxLineLength = 64 * 1024;
    private static ReadOnlySpan<byte> DataField => "data:"u8;
    private static ReadOnlySpan<byte> OnConnectSelector => "cmd.onConnect "u8;

    private byte[] _partial = new byte[256];
    private int _partialLength;
    private bool _hasStamp;
    private PayloadStamp _stamp;

    /// <summary>Consumes decoded body bytes.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var end = data.IndexOf((byte)'\n');
            if (end < 0)
            {
                Keep(data);
                return;
            }

            if (_partialLength > 0)
            {
                Keep(data[..end]);
                OnLine(_partial.AsSpan(0, _partialLength));
                _partialLength = 0;
            }
            else
            {
                OnLine(data[..end]);
            }

            data = data[(end + 1)..];
        }
    }

    private void OnLine(ReadOnlySpan<byte> line)
    {
        if (!line.IsEmpty && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (line.IsEmpty)
        {
            if (_hasStamp)
            {
                _hasStamp = false;
                sink.OnPayload(_stamp);
            }
        }
        else if (line.StartsWith(DataField))
        {
            if (Payload.TryRead(line, out var stamp))
            {
                (_hasStamp, _stamp) = (true, stamp);
            }
            else if (line[DataField.Length..].TrimStart((byte)' ') is var data && data.StartsWith(OnConnectSelector))
            {
                ReadOnConnect(data[OnConnectSelector.Length..]);
            }
        }
    }

    /// <summary>Reads the heartbeat URL and interval from an onConnect body (the interval is a string or a number).</summary>
    private void ReadOnConnect(ReadOnlySpan<byte> json)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json.ToArray());
            var root = document.RootElement;
            if (root.TryGetProperty("heartbeatUrl", out var url) && url.GetString() is { Length: > 0 } heartbeatUrl
                && root.TryGetProperty("heartbeatIntervalMs", out var interval)
                && (interval.ValueKind == System.Text.Json.JsonValueKind.Number ? interval.GetDouble()
                    : double.Parse(interval.GetString() ?? "0", System.Globalization.CultureInfo.InvariantCulture)) is var ms and > 0)
            {
                sink.OnConnect(heartbeatUrl, TimeSpan.FromMilliseconds(ms));
            }
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException)
        {
            // Not the frame the subjects send; the stream is simply not heartbeaten.
        }
    }

    private void Keep(ReadOnlySpan<byte> bytes)
    {
        var needed = _partialLength + bytes.Length;
        if (needed > MaxLineLength)
        {
            throw new InvalidDataException($"An SSE line is longer than {MaxLineLength} bytes.");
        }

        if (needed > _partial.Length)
        {
            Array.Resize(ref _partial, Math.Max(needed, _partial.Length * 2));
        }

        bytes.CopyTo(_partial.AsSpan(_partialLength));
        _partialLength = needed;
    }
}
