namespace ServerEvents.Bench.LoadGenerator.Protocol;

/// <summary>
/// Removes HTTP/1.1 chunked transfer coding from a response body as it streams in, passing the chunk data on.
/// Kestrel and nginx both chunk an SSE response, since its length is unknown.
/// </summary>
internal sealed class ChunkedDecoder(SseScanner output)
{
    private enum State
    {
        Size,
        Extension,
        Data,
        DataEnd,
        Done,
    }

    private State _state;
    private long _size;

    /// <summary>Whether the last (zero-length) chunk has arrived.</summary>
    public bool Completed => _state == State.Done;

    /// <summary>Consumes raw body bytes.</summary>
    public void Decode(ReadOnlySpan<byte> input)
    {
        while (!input.IsEmpty && _state != State.Done)
        {
            switch (_state)
            {
                case State.Data:
                    var take = (int)Math.Min(_size, input.Length);
                    output.Feed(input[..take]);
                    input = input[take..];
                    _size -= take;
                    if (_size == 0)
                    {
                        _state = State.DataEnd;
                    }

                    break;
                case State.DataEnd:
                    // The CRLF after a chunk's data.
                    if (input[0] == (byte)'\n')
                    {
                        _state = State.Size;
                    }

                    input = input[1..];
                    break;
                default:
                    OnSizeLineByte(input[0]);
                    input = input[1..];
                    break;
            }
        }
    }

    private void OnSizeLineByte(byte b)
    {
        if (b == (byte)'\n')
        {
            _state = _size == 0 ? State.Done : State.Data;
            return;
        }

        if (_state == State.Extension || b == (byte)'\r')
        {
            return;
        }

        if (b == (byte)';')
        {
            _state = State.Extension;
            return;
        }

        var digit = HexValue(b);
        _size = digit >= 0 ? (_size << 4) | (uint)digit : throw new InvalidDataException($"Bad chunk size byte 0x{b:x2}.");
    }

    private static int HexValue(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };
}
