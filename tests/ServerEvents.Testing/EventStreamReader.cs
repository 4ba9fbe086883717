using System.Net.ServerSentEvents;
using System.Threading.Channels;

namespace ServerEvents.Testing;

/// <summary>
/// An open <c>/event-stream</c> read in the background with <see cref="SseParser"/>; tests await the frames
/// they expect instead of sleeping.
/// </summary>
public sealed class EventStreamReader : IAsyncDisposable
{
    /// <summary>How long a test waits for an expected frame before failing.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly List<ServerEventFrame> _received = [];
    private readonly Channel<ServerEventFrame> _frames = Channel.CreateUnbounded<ServerEventFrame>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;
    private Task _heartbeats = Task.CompletedTask;

    private EventStreamReader(HttpResponseMessage response, Stream body)
    {
        Response = response;
        _pump = PumpAsync(body);
    }

    /// <summary>The response (status and headers).</summary>
    public HttpResponseMessage Response { get; }

    /// <summary>
    /// Every frame read so far, in order: a copy, since the background reader keeps adding to the list while a
    /// test looks at it.
    /// </summary>
    public IReadOnlyList<ServerEventFrame> Received
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Completes when the server ends the stream.</summary>
    public Task Completion => _pump;

    /// <summary>The <c>cmd.onConnect</c> arguments, once <see cref="ConnectAsync"/> has read them.</summary>
    public Dictionary<string, string> Connect { get; private set; } = [];

    /// <summary>The subscription id from <c>cmd.onConnect</c>.</summary>
    public string SubscriptionId => Connect["id"];

    /// <summary>
    /// Opens a stream and reads its <c>cmd.onConnect</c>. Like a real client it then heartbeats every
    /// <c>heartbeatIntervalMs</c> until disposed, so no test depends on finishing within the idle timeout; only
    /// tests of expiry pass <paramref name="heartbeat"/> <see langword="false"/>.
    /// </summary>
    public static async Task<EventStreamReader> OpenAsync(HttpClient client, string pathAndQuery = "event-stream", string? lastEventId = null, bool heartbeat = true)
    {
        var reader = await StartAsync(client, pathAndQuery, lastEventId).ConfigureAwait(false);
        if (!reader.Response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"The stream answered {(int)reader.Response.StatusCode}: {await reader.Response.Content.ReadAsStringAsync().ConfigureAwait(false)}");
        }

        await reader.ConnectAsync().ConfigureAwait(false);
        if (heartbeat)
        {
            var interval = TimeSpan.FromMilliseconds(int.Parse(reader.Connect["heartbeatIntervalMs"], System.Globalization.CultureInfo.InvariantCulture));
            reader._heartbeats = reader.HeartbeatAsync(client, reader.Connect["heartbeatUrl"], interval);
        }

        return reader;
    }

    /// <summary>Opens a stream without reading anything (for tests of headers and refusals).</summary>
    public static async Task<EventStreamReader> StartAsync(HttpClient client, string pathAndQuery = "event-stream", string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        var body = response.IsSuccessStatusCode ? await response.Content.ReadAsStreamAsync().ConfigureAwait(false) : Stream.Null;
        return new EventStreamReader(response, body);
    }

    /// <summary>Reads the first frame, which must be <c>cmd.onConnect</c>.</summary>
    public async Task<Dictionary<string, string>> ConnectAsync()
    {
        var first = await NextAsync().ConfigureAwait(false);
        if (first.Selector != "cmd.onConnect")
        {
            throw new InvalidOperationException($"The first frame was {first.Data}, not cmd.onConnect.");
        }

        Connect = first.Info;
        return Connect;
    }

    /// <summary>The next frame.</summary>
    public async Task<ServerEventFrame> NextAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _frames.Reader.ReadAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No frame arrived within {timeout ?? DefaultTimeout}. Received so far: {Describe(Received)}");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The stream ended. Received: {Describe(Received)}");
        }
    }

    /// <summary>Skips frames until one matches.</summary>
    public async Task<ServerEventFrame> WaitForAsync(Func<ServerEventFrame, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var remaining = deadline - DateTime.UtcNow;
            var frame = await NextAsync(remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1)).ConfigureAwait(false);
            if (match(frame))
            {
                return frame;
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="condition"/> (typically over <see cref="Received"/>) holds: checked at once, then
    /// after each frame. A condition already true returns at once, where <see cref="WaitForAsync(Func{ServerEventFrame, bool}, TimeSpan?)"/>
    /// would wait for one more frame that may never come.
    /// </summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        if (!condition())
        {
            await WaitForAsync(_ => condition(), timeout).ConfigureAwait(false);
        }
    }

    /// <summary>Skips frames until one with this full selector (e.g. <c>home@cmd.onJoin</c>) arrives.</summary>
    public Task<ServerEventFrame> WaitForAsync(string fullSelector, TimeSpan? timeout = null) =>
        WaitForAsync(f => f.FullSelector == fullSelector, timeout);

    /// <summary>Waits until the server ends the stream.</summary>
    public async Task WaitForEndAsync(TimeSpan? timeout = null)
    {
        await _pump.WaitAsync(timeout ?? DefaultTimeout).ConfigureAwait(false);
    }

    /// <summary>Drops the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        Response.Dispose();
        await _heartbeats.ConfigureAwait(false);
        try
        {
            await _pump.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException)
        {
            // Dropping the connection is the point.
        }

        _stop.Dispose();
    }

    /// <summary>Heartbeats while the stream is open, as the JS and .NET clients do; stops when it ends or is dropped.</summary>
    private async Task HeartbeatAsync(HttpClient client, string url, TimeSpan interval)
    {
        try
        {
            using var timer = new PeriodicTimer(interval);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false) && !_pump.IsCompleted)
            {
                using var response = await client.PostAsync(url, null, _stop.Token).ConfigureAwait(false);
                if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    // The subscription is gone; a real client would reconnect, which is the test's business.
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or HttpRequestException)
        {
            // Dropped, or the server went away: the stream's own end reports that.
        }
    }

    private async Task PumpAsync(Stream body)
    {
        try
        {
            await foreach (var item in SseParser.Create(body).EnumerateAsync(_stop.Token).ConfigureAwait(false))
            {
                var frame = new ServerEventFrame(item.EventId ?? string.Empty, item.Data);
                lock (_received)
                {
                    _received.Add(frame);
                }

                _frames.Writer.TryWrite(frame);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !_stop.IsCancellationRequested)
        {
            // The server closed the connection abruptly; Completion reports the end either way.
        }
        finally
        {
            _frames.Writer.TryComplete();
        }
    }

    // Ids included: a failure's message shows where positions jumped.
    private static string Describe(IEnumerable<ServerEventFrame> frames) =>
        string.Join(" | ", frames.Select(f => f.Id.Length > 0 ? $"[{f.Id}] {f.Data}" : f.Data));
}
