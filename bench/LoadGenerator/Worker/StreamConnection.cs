using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ServerEvents.Bench.LoadGenerator.Protocol;

namespace ServerEvents.Bench.LoadGenerator.Worker;

/// <summary>
/// One SSE subscription over a raw socket: sends the GET, reads the response head, then decodes the body and
/// reports every stamped message with the time its bytes were read.
/// </summary>
internal sealed class StreamConnection : IPayloadSink, IDisposable
{
    // Frames are small; a read larger than this just takes two turns.
    private const int BufferSize = 4096;

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly WorkerCounters _counters;
    private readonly ResponseHead _head = new();
    private readonly SseScanner _scanner;
    private readonly ChunkedDecoder _chunked;
    private readonly byte[] _buffer = new byte[BufferSize];
    private long _readAt;
    private bool _warmed;
    private volatile bool _closing;
    private volatile bool _closed;

    public StreamConnection(WorkerCounters counters, int channel)
    {
        _counters = counters;
        Channel = channel;
        _scanner = new SseScanner(this);
        _chunked = new ChunkedDecoder(_scanner);
    }

    /// <summary>The number of the channel the stream subscribes to.</summary>
    public int Channel { get; }

    /// <summary>The heartbeat URL the server's onConnect event named, once it has arrived.</summary>
    public string? HeartbeatUrl { get; private set; }

    /// <summary>How often the server asks for a heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; private set; }

    /// <summary>Whether the stream has ended (either side closed it).</summary>
    public bool Closed => _closed || _closing;

    /// <summary>Whether the server accepted the stream (200) and it is still open.</summary>
    public bool Subscribed => _head.StatusCode == 200 && !Closed;

    /// <summary>Connects from <paramref name="source"/>, sends <paramref name="request"/> and reads the response head.</summary>
    /// <returns>The status code.</returns>
    public async Task<int> OpenAsync(IPEndPoint server, IPAddress source, byte[] request, CancellationToken cancellationToken)
    {
        // Each worker binds its own loopback source address, so the workers do not share one ephemeral port range.
        _socket.Bind(new IPEndPoint(source, 0));
        await _socket.ConnectAsync(server, cancellationToken);
        await _socket.SendAsync(request, cancellationToken);
        while (true)
        {
            var read = await ReadAsync(cancellationToken);
            if (read == 0)
            {
                throw new IOException("The server closed the connection before the response head.");
            }

            var headLength = _head.Append(_buffer.AsSpan(0, read));
            if (headLength >= 0)
            {
                OnBody(_buffer.AsSpan(headLength, read - headLength));
                return _head.StatusCode;
            }
        }
    }

    /// <summary>
    /// Reads the body until the server ends it (its last chunk, though the connection may stay open for another
    /// request) or closes the stream, or <see cref="Dispose"/> is called.
    /// </summary>
    public async Task ReceiveAsync()
    {
        try
        {
            int read;
            while (!_chunked.Completed && (read = await ReadAsync(CancellationToken.None)) > 0)
            {
                OnBody(_buffer.AsSpan(0, read));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidDataException)
        {
            // Reported as a dropped stream below unless the generator closed it.
        }

        _closed = true;
        if (!_closing)
        {
            _counters.StreamDropped(_warmed);
        }
    }

    /// <inheritdoc />
    public void OnPayload(PayloadStamp stamp)
    {
        if (stamp.Kind == PayloadKind.Measured)
        {
            _counters.Measured(stamp, _readAt);
        }
        else if (!_warmed)
        {
            _warmed = true;
            _counters.StreamWarmed();
        }
    }

    /// <inheritdoc />
    public void OnConnect(string heartbeatUrl, TimeSpan heartbeatInterval)
    {
        HeartbeatInterval = heartbeatInterval;
        HeartbeatUrl = heartbeatUrl;
    }

    /// <summary>Closes with a reset rather than a FIN, so tens of thousands of closes leave no TIME_WAIT behind.</summary>
    public void Dispose()
    {
        _closing = true;
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Never connected, or already gone.
        }

        _socket.Dispose();
    }

    private async ValueTask<int> ReadAsync(CancellationToken cancellationToken)
    {
        var read = await _socket.ReceiveAsync(_buffer, SocketFlags.None, cancellationToken);
        _readAt = Stopwatch.GetTimestamp();
        return read;
    }

    private void OnBody(ReadOnlySpan<byte> bytes)
    {
        if (_head.IsChunked)
        {
            _chunked.Decode(bytes);
        }
        else
        {
            _scanner.Feed(bytes);
        }
    }
}
