using System.Security.Claims;
using System.Text.Json;
using ServerEvents.Authorization;
using ServerEvents.Cluster;
using ServerEvents.Subscriptions;

namespace ServerEvents.Hosting;

/// <summary>
/// Options of the server events feature, bound from the <c>ServerEvents</c> configuration section.
/// </summary>
public sealed class ServerEventsOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "ServerEvents";

    /// <summary>The endpoint paths; null or empty disables an endpoint.</summary>
    public ServerEventsPaths Paths { get; set; } = new();

    /// <summary>How the subscriber's identity is read from the request.</summary>
    public SubscriberIdentityOptions Identity { get; set; } = new();

    /// <summary>A subscription whose last heartbeat is older than this is expired. Default 30 s.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often clients are told to send heartbeats. Default 10 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often idle subscriptions are looked for. Default 1 s.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Whether channels are sent join, leave and update notices. Default true.</summary>
    public bool NotifyChannelOfSubscriptions { get; set; } = true;

    /// <summary>Whether anonymous callers are refused the stream with 401. Default false.</summary>
    public bool LimitToAuthenticatedUsers { get; set; }

    /// <summary>How many replayable events the log keeps at most. Default 10,000.</summary>
    public int ReplayRetentionCount { get; set; } = 10_000;

    /// <summary>How long the log keeps replayable events at most. Default 5 minutes.</summary>
    public TimeSpan ReplayRetentionAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many bytes of replayable events the log keeps at most (embedded tier: what an event takes in its packed log,
    /// its frame and routing data and any buffer end left unused after it; PostgreSQL: its stored payload), so that large events cannot make it hold hundreds of megabytes
    /// within <see cref="ReplayRetentionCount"/>. Default 64 MiB.
    /// </summary>
    public long ReplayRetentionBytes { get; set; } = EventLogRetention.DefaultMaxBytes;

    /// <summary>
    /// How many resuming streams (Last-Event-ID or <c>?lastEventId=</c>) this node replays to at once; the log is
    /// read and written a page at a time for each. Default 16.
    /// </summary>
    public int MaxConcurrentReplays { get; set; } = 16;

    /// <summary>
    /// How long a resuming stream waits for a replay place before it is refused with 503 and Retry-After.
    /// Default 10 s.
    /// </summary>
    public TimeSpan ReplayWaitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a replaying stream's client may take nothing (64 KiB of the replay) before its stream is closed, so
    /// that a client that does not read cannot keep a replay place; it may resume with its cursor. Default 30 s.
    /// </summary>
    public TimeSpan ReplayStallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The longest comma-joined channel list that join, leave and update notices carry (whole names only); a
    /// subscription in more channels is announced with the first that fit and a <c>channelCount</c>. Default 1,024.
    /// </summary>
    public int MaxNoticeChannelsLength { get; set; } = 1_024;

    /// <summary>
    /// How many frames may wait for one connection; when a slow reader lets the queue fill up, only that
    /// connection is closed (it can resume with Last-Event-ID). Default 1,000.
    /// </summary>
    public int ConnectionQueueCapacity { get; set; } = 1_000;

    /// <summary>
    /// The most streams this node holds at once; a further stream is refused with 503 and Retry-After, so that the
    /// node turns the excess away instead of running out of sockets. Default (null): the process's open-file limit
    /// less 1,000 descriptors kept for the runtime, the database pool and other requests, where that limit is
    /// known (Linux); otherwise unlimited.
    /// </summary>
    public int? MaxConnections { get; set; }

    /// <summary>The largest serialised message body in bytes. Default 64 KiB.</summary>
    public int MaxMessageSize { get; set; } = 64 * 1024;

    /// <summary>The largest request body the side endpoints accept, in bytes. Default 16 KiB.</summary>
    public int MaxRequestBodySize { get; set; } = 16 * 1024;

    /// <summary>The most channels one subscription may be in. Default 64.</summary>
    public int MaxChannelsPerConnection { get; set; } = 64;

    /// <summary>The longest channel name. Default 128.</summary>
    public int MaxChannelNameLength { get; set; } = 128;

    /// <summary>How many chat messages the embedded history keeps per channel. Default 1,000.</summary>
    public int ChatHistoryPerChannel { get; set; } = 1_000;

    /// <summary>How message bodies are serialised. Defaults to the web defaults (camelCase).</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>Application callbacks, run in the order of the connection life cycle.</summary>
    public ServerEventsHooks Hooks { get; set; } = new();

    /// <summary>
    /// Who may subscribe to and publish to which channels (set in code:
    /// <c>options.Channels.Authorize("user-*", subscribe: "OwnUserChannel")</c>). Channels no rule covers are open.
    /// </summary>
    public ChannelAuthorizationOptions Channels { get; } = new();
}

/// <summary>Endpoint paths. Null or empty disables an endpoint.</summary>
public sealed class ServerEventsPaths
{
    /// <summary>The SSE stream. Default <c>/event-stream</c>.</summary>
    public string? Stream { get; set; } = "/event-stream";

    /// <summary>Heartbeats. Default <c>/event-heartbeat</c>.</summary>
    public string? Heartbeat { get; set; } = "/event-heartbeat";

    /// <summary>Unregistering. Default <c>/event-unregister</c>.</summary>
    public string? Unregister { get; set; } = "/event-unregister";

    /// <summary>Listing subscribers (GET) and changing a subscriber's channels (POST <c>{path}/{id}</c>). Default <c>/event-subscribers</c>.</summary>
    public string? Subscribers { get; set; } = "/event-subscribers";

    /// <summary>The ServiceStack API form of the channel update. Default <c>/api/UpdateEventSubscriber</c>.</summary>
    public string? ApiUpdateEventSubscriber { get; set; } = "/api/UpdateEventSubscriber";

    /// <summary>The ServiceStack JSON-reply form of the channel update. Default <c>/json/reply/UpdateEventSubscriber</c>.</summary>
    public string? JsonReplyUpdateEventSubscriber { get; set; } = "/json/reply/UpdateEventSubscriber";

    /// <summary>The ServiceStack API form of the subscriber list. Default <c>/api/GetEventSubscribers</c>.</summary>
    public string? ApiGetEventSubscribers { get; set; } = "/api/GetEventSubscribers";

    /// <summary>The ServiceStack JSON-reply form of the subscriber list. Default <c>/json/reply/GetEventSubscribers</c>.</summary>
    public string? JsonReplyGetEventSubscribers { get; set; } = "/json/reply/GetEventSubscribers";

    /// <summary>The JavaScript client module. Default <c>/js/server-events.js</c>.</summary>
    public string? ClientScript { get; set; } = "/js/server-events.js";
}

/// <summary>Which claims and cookies identify a subscriber.</summary>
public sealed class SubscriberIdentityOptions
{
    /// <summary>The user id claim. Default <see cref="ClaimTypes.NameIdentifier"/>; falls back to the user name.</summary>
    public string? UserIdClaimType { get; set; } = ClaimTypes.NameIdentifier;

    /// <summary>The user name claim. Default <see cref="ClaimTypes.Name"/>.</summary>
    public string? UserNameClaimType { get; set; } = ClaimTypes.Name;

    /// <summary>The display name claim. Default <c>display_name</c>; falls back to the user name.</summary>
    public string? DisplayNameClaimType { get; set; } = "display_name";

    /// <summary>The profile picture claim. Default <c>picture</c>.</summary>
    public string? ProfileUrlClaimType { get; set; } = "picture";

    /// <summary>The session id claim. Default <c>sid</c>.</summary>
    public string? SessionIdClaimType { get; set; } = "sid";

    /// <summary>The session cookie, used when the claim is absent. Default <c>ss-id</c> (ServiceStack's).</summary>
    public string? SessionCookieName { get; set; } = "ss-id";

    /// <summary>
    /// What an anonymous identity belongs to. Default <see cref="AnonymousIdentityScope.Session"/>: one user id and
    /// display name per session on every tab and reconnect; <see cref="AnonymousIdentityScope.Subscription"/> numbers
    /// every stream anew, as ServiceStack does.
    /// </summary>
    public AnonymousIdentityScope AnonymousIdentity { get; set; } = AnonymousIdentityScope.Session;
}
