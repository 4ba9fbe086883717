using System.Text.Json;

namespace ServerEvents.Client;

/// <summary>Tuning of a <see cref="ServerEventsClient"/>; the defaults suit production.</summary>
public sealed class ServerEventsClientOptions
{
    /// <summary>The stream path, relative to the base address. Default <c>event-stream</c>.</summary>
    public string EventStreamPath { get; set; } = "event-stream";

    /// <summary>The subscriber list path, relative to the base address. Default <c>event-subscribers</c>.</summary>
    public string SubscribersPath { get; set; } = "event-subscribers";

    /// <summary>
    /// How long a connection attempt may take to deliver <c>cmd.onConnect</c>, and how long
    /// <see cref="ServerEventsClient.StartAsync"/> waits for the first one. Default 30 s.
    /// </summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The back-off ceiling of the first reconnect; it doubles per failed attempt. Default 100 ms.</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The largest back-off ceiling. Default 30 s.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gives the bearer token sent as <c>Authorization: Bearer</c> with the stream request and every side request
    /// (heartbeat, unregister, channel update, subscriber list); null or empty sends none. It is called for each of
    /// those requests, every reconnect included, so it should return a cached token and refresh it only when it is
    /// close to expiry. Default: none (the <see cref="HttpClient"/>'s own headers and cookies, if any, still go).
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; set; }

    /// <summary>How message bodies are read. Default: the web defaults (camelCase, case-insensitive).</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);
}
