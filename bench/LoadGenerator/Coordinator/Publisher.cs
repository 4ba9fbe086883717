using System.Diagnostics;
using System.Net;
using System.Text;
using ServerEvents.Bench.LoadGenerator.Protocol;

namespace ServerEvents.Bench.LoadGenerator.Coordinator;

/// <summary>
/// Publishes stamped messages over HTTP POST, keeping a fixed schedule: message <c>j</c> is due at
/// <c>j / rate</c> seconds and is stamped when it is actually sent, so a late publish never hides latency.
/// </summary>
internal sealed class Publisher : IDisposable
{
    private const int MaxInFlight = 64;

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

    /// <summary>Publishes at <paramref name="rate"/> per second for <paramref name="duration"/>, round-robin over the channels.</summary>
    /// <returns>How many publishes succeeded on each channel.</returns>
    public async Task<long[]> RunAsync(double rate, TimeSpan duration, int channels)
    {
        var succeeded = new long[channels];
        var count = (long)Math.Round(rate * duration.TotalSeconds);
        var started = Stopwatch.StartNew();
        var sends = new List<Task>();
        for (long j = 0; j < count; j++)
        {
            var due = TimeSpan.FromSeconds(j / rate) - started.Elapsed;
            if (due > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(due);
            }

            var channel = (int)(j % channels);
            await _inFlight.WaitAsync();
            sends.Add(SendAsync(channel, PayloadKind.Measured, succeeded));
        }

        await Task.WhenAll(sends);
        return succeeded;
    }

    /// <summary>Publishes one warm-up message to every channel.</summary>
    public async Task WarmUpAsync(int channels)
    {
        var sends = new List<Task>(channels);
        for (var channel = 0; channel < channels; channel++)
        {
            await _inFlight.WaitAsync();
            sends.Add(SendAsync(channel, PayloadKind.WarmUp, succeeded: null));
        }

        await Task.WhenAll(sends);
    }

    public void Dispose()
    {
        _http.Dispose();
        _inFlight.Dispose();
    }

    private async Task SendAsync(int channel, PayloadKind kind, long[]? succeeded)
    {
        try
        {
            var path = SubjectPaths.Publish(_subject, SubjectPaths.ChannelName(channel));
            using var content = new StringContent(Payload.Create(Stopwatch.GetTimestamp(), kind), Encoding.ASCII, "text/plain");
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
