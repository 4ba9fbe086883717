using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ServerEvents.Cluster;
using ServerEvents.Subscriptions;

namespace ServerEvents.Postgres.Events;

/// <summary>What a log row holds: an event or a signal.</summary>
internal enum LogEntryKind : short
{
    /// <summary>A <see cref="ClusterEvent"/>.</summary>
    Event = 0,

    /// <summary>A <see cref="ClusterSignal"/>.</summary>
    Signal = 1,
}

/// <summary>
/// One fan-out item as stored in the <c>payload</c> column and, when small enough, carried inline by its
/// notification (<c>"{position} {payload}"</c>, or just <c>"{position}"</c>, in which case the listener reads the row).
/// </summary>
internal sealed class LogEntry
{
    /// <summary>NOTIFY payloads must stay under 8000 bytes; leave room for the position and the channel.</summary>
    private const int MaxInlineBytes = 7000;

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    [JsonPropertyName("c")]
    public DateTimeOffset CreatedAt { get; init; }

    [JsonPropertyName("t")]
    public EventTargetKind? TargetKind { get; init; }

    [JsonPropertyName("k")]
    public string? TargetKey { get; init; }

    [JsonPropertyName("f")]
    public string? ChannelFilter { get; init; }

    [JsonPropertyName("s")]
    public string? Selector { get; init; }

    [JsonPropertyName("b")]
    public string? Body { get; init; }

    /// <summary>The publish's W3C <c>traceparent</c>, when it was traced; left out of the payload otherwise.</summary>
    [JsonPropertyName("p")]
    public string? TraceParent { get; init; }

    [JsonPropertyName("g")]
    public ClusterSignalKind? SignalKind { get; init; }

    [JsonPropertyName("i")]
    public string? SubscriptionId { get; init; }

    [JsonPropertyName("u")]
    public SubscriptionInfo? Subscription { get; init; }

    [JsonIgnore]
    public LogEntryKind Kind => SignalKind is null ? LogEntryKind.Event : LogEntryKind.Signal;

    /// <summary>Whether a resuming stream may be sent this item.</summary>
    [JsonIgnore]
    public bool IsReplayable => Kind == LogEntryKind.Event && new EventTarget(TargetKind!.Value, TargetKey, ChannelFilter).IsReplayable;

    public static LogEntry ForEvent(OutgoingEvent outgoing, DateTimeOffset now) => new()
    {
        CreatedAt = now,
        TargetKind = outgoing.Target.Kind,
        TargetKey = outgoing.Target.Key,
        ChannelFilter = outgoing.Target.ChannelFilter,
        Selector = outgoing.Selector,
        Body = outgoing.Body,
        TraceParent = outgoing.TraceParent,
    };

    public static LogEntry ForSignal(ClusterSignal signal, DateTimeOffset now) => new()
    {
        CreatedAt = now,
        SignalKind = signal.Kind,
        SubscriptionId = signal.SubscriptionId,
        Subscription = signal.Subscription,
    };

    public static LogEntry Deserialize(string payload) =>
        JsonSerializer.Deserialize<LogEntry>(payload, SerializerOptions) ?? throw new FormatException("An event log payload was null.");

    /// <summary>Splits a notification into the position and, when it was small enough, the inline payload.</summary>
    public static (long Position, string? Payload) ParseNotification(string notification)
    {
        var space = notification.IndexOf(' ', StringComparison.Ordinal);
        return space < 0
            ? (long.Parse(notification, NumberStyles.None, CultureInfo.InvariantCulture), null)
            : (long.Parse(notification.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture), notification[(space + 1)..]);
    }

    public string Serialize() => JsonSerializer.Serialize(this, SerializerOptions);

    /// <summary>Whether <paramref name="payload"/> fits in a notification.</summary>
    public static bool FitsInline(string payload) => Encoding.UTF8.GetByteCount(payload) <= MaxInlineBytes;

    public ClusterEvent ToEvent(long position) =>
        new(position, new EventTarget(TargetKind!.Value, TargetKey, ChannelFilter), Selector!, Body ?? string.Empty, CreatedAt)
        {
            TraceParent = TraceParent,
        };

    public ClusterSignal ToSignal() => new(SignalKind!.Value, SubscriptionId, Subscription);
}
