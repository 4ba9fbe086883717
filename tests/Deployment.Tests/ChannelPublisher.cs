using System.Globalization;
using System.Net;

namespace Deployment.Tests;

/// <summary>
/// Posts 1, 2, 3, ... to a channel through a node's chat relay until stopped, counting only acknowledged posts.
/// A post answered 503 (the cluster tier failing over) is retried with the same number when allowed, and
/// remembered: it may or may not have been published, so its number may arrive twice.
/// </summary>
internal sealed class ChannelPublisher : IAsyncDisposable
{
    public const string Selector = "cmd.n";

    /// <summary>
    /// What a node needs to let the publisher through: it posts far faster than the chat's per-user and per-address
    /// rate limits allow, anonymously, remote control to a whole channel.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string?> NodeSettings = new Dictionary<string, string?>
    {
        ["Chat__RateLimitPermits"] = "1000000",
        ["RateLimits__PostsPerAddress__PermitLimit"] = "1000000",
        ["Chat__RemoteControlRequiresSignIn"] = "false",
        ["Chat__ChannelRemoteControlRequiresAdministrator"] = "false",
    };

    private readonly HttpClient _client;
    private readonly EventStreamReader _own;
    private readonly bool _retryUnavailable;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _loop;
    private readonly HashSet<int> _unavailable = [];

    private ChannelPublisher(HttpClient client, EventStreamReader own, string channel, bool retryUnavailable)
    {
        _client = client;
        _own = own;
        _retryUnavailable = retryUnavailable;
        _loop = Task.Run(() => PublishAsync(channel));
    }

    /// <summary>The numbers whose post was answered 503 at least once.</summary>
    public IReadOnlySet<int> Unavailable
    {
        get
        {
            lock (_unavailable)
            {
                return new HashSet<int>(_unavailable);
            }
        }
    }

    /// <param name="retryUnavailable">Whether a 503 is retried (a failover) rather than a test failure.</param>
    public static async Task<ChannelPublisher> StartAsync(ApiProcess node, string channel, bool retryUnavailable = false)
    {
        // The relay only posts as a subscription of the caller's own session.
        var client = node.CreateClient();
        client.DefaultRequestHeaders.Add("Cookie", "ss-id=publisher" + Guid.NewGuid().ToString("N"));
        var own = await EventStreamReader.OpenAsync(client, "event-stream?channels=" + channel);
        return new ChannelPublisher(client, own, channel, retryUnavailable);
    }

    /// <summary>The published numbers among <paramref name="frames"/>, in the order they arrived.</summary>
    public static List<int> Numbers(IEnumerable<ServerEventFrame> frames) =>
        [.. frames.Where(f => f.Selector == Selector).Select(f => int.Parse(System.Text.Json.JsonSerializer.Deserialize<string>(f.Body)!, CultureInfo.InvariantCulture))];

    /// <summary>Stops publishing; returns how many numbers were acknowledged.</summary>
    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        return await _loop;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }

        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException)
        {
            // Reported through StopAsync in a passing run.
        }

        await _own.DisposeAsync();
        _client.Dispose();
        _stop.Dispose();
    }

    private async Task<int> PublishAsync(string channel)
    {
        var published = 0;
        while (!_stop.IsCancellationRequested)
        {
            var next = published + 1;
            using var body = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["from"] = _own.SubscriptionId,
                ["selector"] = Selector,
                ["message"] = next.ToString(CultureInfo.InvariantCulture),
            });

            // Not cancelled mid-request: a post that reached the server may have been published.
            using var response = await _client.PostAsync($"channels/{channel}/raw", body, CancellationToken.None);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && _retryUnavailable)
            {
                lock (_unavailable)
                {
                    _unavailable.Add(next);
                }

                await Task.Delay(50, CancellationToken.None);
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"publishing {next} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            published++;
            await Task.Delay(5, CancellationToken.None);
        }

        return published;
    }
}
