using System.Diagnostics;
using System.Net;
using System.Text;
using ServerEvents.Bench.LoadGenerator.Protocol;

namespace ServerEvents.Bench.LoadGenerator.Coordinator;

/// <summary>
/// Publishes stamped messages over HTTP POST on a fixed schedule: message <c>j</c> is due <c>j / rate</c> seconds
/// after the start and is stamped with that due time, so latency runs from when the message was due, not from when
/// the publisher got round to sending it. A publisher that falls behind (a late timer, or all its requests
/// waiting on a server that answers publishes slowly) therefore shows in the latency: no coordinated omission.
/// </summary>
internal sealed class Publisher : IDisposable
{
    private const int MaxInFlight = 64;
    private static readonly TimeSpan EarlyBy = TimeSpan.FromMilliseconds(1);

    private readonly HttpClient _http;
    private readonly SubjectKind _subject;
    private readonly SemaphoreSlim _inFlight = new(MaxInFlight);
    private long _errors;
    private string? _firstError;

    public Publisher(string subject, IPAddress server, int port)
    {
        _subject = SubjectPaths.Parse(subject);
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = MaxInFlight, UseProxy = false })
        {
            BaseAddress = new Uri($"http://{server}:{port}"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Publishes that failed (not 2xx, or no answer).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    public string? FirstError => _firstError;

    /// <summary>
    /// Publishes messages 0 to <paramref name="count"/> - 1 at <paramref name="rate"/> per second from
    /// <paramref name="start"/> (Stopwatch ticks), round-robin over the channels.
    /// </summary>
    /// <returns>How many publishes succeeded on each channel.</returns>
    public async Task<long[]> RunAsync(long start, double rate, long count, int channels)
    {
        var succeeded = new long[channels];
        var ticksPerMessage = Stopwatch.Frequency / rate;
        var sends = new List<Task>();
        for (long j = 0; j < count; j++)
        {
            // The timer has a millisecond grain and fires late rather than early, so it is set to wake up to
            // EarlyBy before the due time: its own lateness would otherwise be charged to every subject's latency.
            var due = start + (long)(j * ticksPerMessage);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due) - EarlyBy;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            await _inFlight.WaitAsync();
            // A message sent before it is due carries its send time, so latency never starts later than the message
            // existed; one sent late carries its due time.
            var stamp = new PayloadStamp(Math.Min(due, Stopwatch.GetTimestamp()), j, PayloadKind.Measured);
            sends.Add(SendAsync((int)(j % channels), stamp, succeeded));
        }

        await Task.WhenAll(sends);
        return succeeded;
    }

    /// <summary>Publishes one warm-up message to every channel; they are not timed, so they carry their send time.</summary>
    public async Task WarmUpAsync(int channels)
    {
        var sends = new List<Task>(channels);
        for (var channel = 0; channel < channels; channel++)
        {
            await _inFlight.WaitAsync();
            sends.Add(SendAsync(channel, new PayloadStamp(Stopwatch.GetTimestamp(), 0, PayloadKind.WarmUp), succeeded: null));
        }

        await Task.WhenAll(sends);
    }

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
    }

    private async Task SendAsync(int channel, PayloadStamp stamp, long[]? succeeded)
    {
        try
        {
            var path = SubjectPaths.Publish(_subject, SubjectPaths.ChannelName(channel));
            using var content = new StringContent(Payload.Create(stamp), Encoding.ASCII, "text/plain");
            using var response = await _http.PostAsync(path, content);
            if (response.IsSuccessStatusCode)
            {
                if (succeeded is not null)
                {
                    Interlocked.Increment(ref succeeded[channel]);
                }
            }
            else
            {
                Failed($"HTTP {(int)response.StatusCode} from {path}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            Failed(ex.Message);
        }
        finally
        {
            _inFlight.Release();
        }
    }

    private void Failed(string error)
    {
        Interlocked.Increment(ref _errors);
        Interlocked.CompareExchange(ref _firstError, error, null);
    }
}
