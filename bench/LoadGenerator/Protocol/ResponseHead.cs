using System.Text;

namespace ServerEvents.Bench.LoadGenerator.Protocol;

/// <summary>Collects an HTTP/1.1 response head and reads the two things the generator needs from it.</summary>
internal sealed class ResponseHead
{
    private const int MaxLength = 16 * 1024;
    private static ReadOnlySpan<byte> End => "\r\n\r\n"u8;

    private byte[] _buffer = new byte[1024];
    private int _length;

    /// <summary>The status code, once the head is complete.</summary>
    public int StatusCode { get; private set; }

    /// <summary>Whether the body uses chunked transfer coding.</summary>
    public bool IsChunked { get; private set; }

    /// <summary>
    /// Consumes bytes until the head ends; returns how many of <paramref name="input"/> belonged to the head,
    /// or -1 when all of them did and more are needed.
    /// </summary>
    public int Append(ReadOnlySpan<byte> input)
    {
        // Search from a little before the new bytes, since the terminator may straddle two reads.
        var searchFrom = Math.Max(0, _length - (End.Length - 1));
        if (_length + input.Length > _buffer.Length)
        {
            if (_length + input.Length > MaxLength)
            {
                throw new InvalidDataException("The response head is too long.");
            }

            Array.Resize(ref _buffer, Math.Min(MaxLength, Math.Max(_length + input.Length, _buffer.Length * 2)));
        }

        input.CopyTo(_buffer.AsSpan(_length));
        var total = _length + input.Length;
        var end = _buffer.AsSpan(searchFrom, total - searchFrom).IndexOf(End);
        if (end < 0)
        {
            _length = total;
            return -1;
        }

        var headLength = searchFrom + end + End.Length;
        Parse(Encoding.ASCII.GetString(_buffer, 0, headLength));
        var consumed = headLength - _length;
        _buffer = [];
        return consumed;
    }

    private void Parse(string head)
    {
        var lines = head.Split("\r\n");
        var status = lines[0].Split(' ');
        StatusCode = status.Length > 1 && int.TryParse(status[1], out var code) ? code : 0;
        IsChunked = lines.Any(line =>
            line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase)
            && line.Contains("chunked", StringComparison.OrdinalIgnoreCase));
    }
}
