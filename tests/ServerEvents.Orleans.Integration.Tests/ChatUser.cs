using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ServerEvents.Orleans.Integration.Tests;

/// <summary>
/// One browser talking to several front-ends: one cookie jar (its anonymous session) shared by a client per
/// front-end, so a subscription opened on one front-end can post chat messages through another.
/// </summary>
public sealed class ChatUser : IAsyncDisposable
{
    private readonly CookieContainer _cookies = new();
    private readonly Dictionary<Uri, HttpClient> _clients = [];
    private readonly List<EventStreamReader> _streams = [];

    /// <summary>A client of <paramref name="frontEnd"/> carrying this user's session.</summary>
    public HttpClient On(ApiProcess frontEnd)
    {
        ArgumentNullException.ThrowIfNull(frontEnd);
        if (!_clients.TryGetValue(frontEnd.BaseAddress, out var client))
        {
            client = new HttpClient(new SocketsHttpHandler { CookieContainer = _cookies }) { BaseAddress = frontEnd.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
            _clients[frontEnd.BaseAddress] = client;
        }

        return client;
    }

    /// <summary>Opens a stream on <paramref name="frontEnd"/>; closed with this user.</summary>
    public async Task<EventStreamReader> OpenAsync(ApiProcess frontEnd, string channel)
    {
        var stream = await EventStreamReader.OpenAsync(On(frontEnd), "event-stream?channels=" + channel);
        _streams.Add(stream);
        return stream;
    }

    /// <summary>
    /// Posts chat message <paramref name="number"/> as <paramref name="from"/> through <paramref name="frontEnd"/>;
    /// returns the status (a front-end that does not answer within <paramref name="timeout"/> counts as no answer).
    /// </summary>
    public async Task<HttpStatusCode?> PostAsync(ApiProcess frontEnd, string channel, EventStreamReader from, int number, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            using var response = await On(frontEnd).PostAsJsonAsync(
                $"channels/{channel}/chat", new { from = from.SubscriptionId, message = number.ToString(CultureInfo.InvariantCulture) }, cancel.Token);
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The numbers of the chat messages in <paramref name="channel"/>'s history, oldest first.</summary>
    public async Task<List<int>> HistoryAsync(ApiProcess frontEnd, string channel)
    {
        var messages = await On(frontEnd).GetFromJsonAsync<JsonElement[]>($"chathistory?channels={channel}&take=1000");
        return [.. messages!.Select(m => int.Parse(m.GetProperty("message").GetString()!, CultureInfo.InvariantCulture))];
    }

    /// <summary>The numbers of the chat messages <paramref name="stream"/> received, in order.</summary>
    public static List<int> Numbers(EventStreamReader stream) =>
        [.. stream.Received.Where(f => f.Selector == "cmd.chat").Select(f => int.Parse(f.Json.GetProperty("message").GetString()!, CultureInfo.InvariantCulture))];

    /// <summary>Closes the streams and clients.</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var stream in _streams)
        {
            await stream.DisposeAsync();
        }

        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
    }
}
