using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerEvents.Cluster;
using ServerEvents.Delivery;
using ServerEvents.Diagnostics;
using ServerEvents.Expiry;
using ServerEvents.Hosting;
using ServerEvents.Protocol;
using ServerEvents.Subscriptions;

namespace ServerEvents;

/// <summary>
/// <see cref="IServerEvents"/> over the cluster tier: every publish goes through the tier's event bus, every
/// subscription change through its directory, and the owning node is told through the same fan-out.
/// </summary>
public sealed partial class ServerEventsService : IServerEvents
{
    private const string JoinSelector = "cmd.onJoin";
    private const string LeaveSelector = "cmd.onLeave";
    private const string UpdateSelector = "cmd.onUpdate";
    private const string HeartbeatSelector = "cmd.onHeartbeat";

    private readonly IClusterTier _cluster;
    private readonly SubscriptionRegistry _registry;
    private readonly LocalEventDispatcher _dispatcher;
    private readonly ServerEventsMetrics _metrics;
    private readonly IOptionsMonitor<ServerEventsOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<ServerEventsService> _logger;
    private readonly PendingDepartures _pendingDepartures = new();

    /// <summary>Creates the service.</summary>
    public ServerEventsService(
        IClusterTier cluster,
        SubscriptionRegistry registry,
        LocalEventDispatcher dispatcher,
        ServerEventsMetrics metrics,
        IOptionsMonitor<ServerEventsOptions> options,
        TimeProvider time,
        ILogger<ServerEventsService> logger)
    {
        _cluster = cluster;
        _registry = registry;
        _dispatcher = dispatcher;
        _metrics = metrics;
        _options = options;
        _time = time;
        _logger = logger;
    }

    private ServerEventsOptions Options => _options.CurrentValue;

    private ChannelNames ChannelNames => new(Options.MaxChannelNameLength, Options.MaxChannelsPerConnection);

    /// <inheritdoc />
    public Task<long> NotifyAllAsync(string selector, object? message, CancellationToken cancellationToken = default) =>
        PublishAsync(EventTarget.All, selector, message, cancellationToken);

    /// <inheritdoc />
    public Task<long> NotifyChannelAsync(string channel, string selector, object? message, CancellationToken cancellationToken = default)
    {
        EnsureValidChannel(channel, nameof(channel));
        return PublishAsync(new EventTarget(EventTargetKind.Channel, channel), selector, message, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> NotifySubscriptionAsync(string subscriptionId, string selector, object? message, string? channel = null, CancellationToken cancellationToken = default) =>
        PublishTargetedAsync(EventTargetKind.Subscription, subscriptionId, selector, message, channel, cancellationToken);

    /// <inheritdoc />
    public Task<long> NotifyUserIdAsync(string userId, string selector, object? message, string? channel = null, CancellationToken cancellationToken = default) =>
        PublishTargetedAsync(EventTargetKind.UserId, userId, selector, message, channel, cancellationToken);

    /// <inheritdoc />
    public Task<long> NotifyUserNameAsync(string userName, string selector, object? message, string? channel = null, CancellationToken cancellationToken = default) =>
        PublishTargetedAsync(EventTargetKind.UserName, userName, selector, message, channel, cancellationToken);

    /// <inheritdoc />
    public Task<long> NotifySessionAsync(string sessionId, string selector, object? message, string? channel = null, CancellationToken cancellationToken = default) =>
        PublishTargetedAsync(EventTargetKind.Session, sessionId, selector, message, channel, cancellationToken);

    /// <inheritdoc />
    public async Task<SubscriptionInfo?> GetSubscriptionInfoAsync(string subscriptionId, CancellationToken cancellationToken = default) =>
        await _cluster.Directory.GetAsync(subscriptionId, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<SubscriptionInfo>> GetSubscriptionInfosByUserIdAsync(string userId, CancellationToken cancellationToken = default) =>
        await _cluster.Directory.GetByUserIdAsync(userId, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<IReadOnlyList<SubscriptionInfo>> GetSubscriptionsDetailsAsync(IReadOnlyCollection<string>? channels = null, CancellationToken cancellationToken = default) =>
        await _cluster.Directory.GetByChannelsAsync(channels, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task<long> RegisterAsync(EventStreamConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var info = connection.Info;

        // Everything after the watermark reaches the queue and the caller replays anything up to it, so nothing
        // published meanwhile can fall between the two.
        var watermark = _dispatcher.Add(connection);
        _metrics.ConnectionOpened();
        await _cluster.Directory.AddAsync(info, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        LogRegistered(info.Id, info.UserId, info.Channels);

        if (Options.Hooks.OnSubscribe is { } onSubscribe)
        {
            await onSubscribe(info).ConfigureAwait(false);
        }

        await AnnounceAsync(info.Channels, JoinSelector, info, cancellationToken).ConfigureAwait(false);
        return watermark;
    }

    /// <summary>Forgets a stream that has ended on this node, unregistering it if nobody else did.</summary>
    internal async Task ReleaseAsync(EventStreamConnection connection, CancellationToken cancellationToken)
    {
        _registry.Remove(connection);
        _metrics.ConnectionClosed();
        await UnregisterAsync(connection.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<SubscriptionInfo?> UnregisterAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        var removed = await _cluster.Directory.RemoveAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        if (removed is not null)
        {
            await DepartAsync(removed, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    /// <summary>Expires every subscription whose last heartbeat is older than the idle timeout.</summary>
    /// <returns>How many expired.</returns>
    internal async Task<int> ExpireIdleAsync(CancellationToken cancellationToken)
    {
        foreach (var (info, attempts) in _pendingDepartures.TakeAll())
        {
            await TryDepartAsync(info, attempts + 1, cancellationToken).ConfigureAwait(false);
        }

        var cutoff = _time.GetUtcNow() - Options.IdleTimeout;
        var expired = await _cluster.Directory.RemoveIdleAsync(cutoff, cancellationToken).ConfigureAwait(false);
        _metrics.ExpirySwept(expired.Count);
        foreach (var info in expired)
        {
            LogExpired(info.Id, info.UserId);
            await TryDepartAsync(info, 1, cancellationToken).ConfigureAwait(false);
        }

        return expired.Count;
    }

    /// <summary>
    /// Sends one expired subscription's departure; a failure keeps it for the next sweep instead of swallowing
    /// the departures after it, since the subscription is already gone from the directory.
    /// </summary>
    private async Task TryDepartAsync(SubscriptionInfo info, int attempt, CancellationToken cancellationToken)
    {
        try
        {
            await DepartAsync(info, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _pendingDepartures.TryRequeue(info, attempt - 1);
            throw;
        }
        catch (Exception ex)
        {
            if (_pendingDepartures.TryRequeue(info, attempt))
            {
                LogDepartureFailed(ex, info.Id, attempt);
            }
            else
            {
                LogDepartureAbandoned(ex, info.Id, attempt);
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> PulseAsync(string subscriptionId, CancellationToken cancellationToken = default)
    {
        var info = await _cluster.Directory.PulseAsync(subscriptionId, _time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (info is null)
        {
            return false;
        }

        if (Options.Hooks.OnHeartbeat is { } onHeartbeat)
        {
            await onHeartbeat(info).ConfigureAwait(false);
        }

        await PublishAsync(new EventTarget(EventTargetKind.Subscription, subscriptionId), HeartbeatSelector, info.ToPublicInfo(), cancellationToken)
            .ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public async Task<SubscriptionInfo?> UpdateChannelsAsync(
        string subscriptionId,
        IReadOnlyCollection<string> unsubscribe,
        IReadOnlyCollection<string> subscribe,
        CancellationToken cancellationToken = default)
    {
        foreach (var channel in unsubscribe.Concat(subscribe))
        {
            EnsureValidChannel(channel, nameof(subscribe));
        }

        var current = await _cluster.Directory.GetAsync(subscriptionId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return null;
        }

        var projected = current.Channels.Except(unsubscribe).Union(subscribe).Count();
        if (ChannelNames.ValidateCount(projected) is { } tooMany)
        {
            throw new ArgumentException(tooMany, nameof(subscribe));
        }

        var change = await _cluster.Directory.UpdateChannelsAsync(subscriptionId, unsubscribe, subscribe, cancellationToken).ConfigureAwait(false);
        if (change is null)
        {
            return null;
        }

        await _cluster.Events.SignalAsync(new ClusterSignal(ClusterSignalKind.SubscriptionUpdated, subscriptionId, change.After), cancellationToken)
            .ConfigureAwait(false);

        if (Options.Hooks.OnUpdate is { } onUpdate)
        {
            await onUpdate(change.After).ConfigureAwait(false);
        }

        await AnnounceAsync(change.Before.Channels.Union(change.After.Channels), UpdateSelector, change.After, cancellationToken).ConfigureAwait(false);
        return change.After;
    }

    /// <inheritdoc />
    public Task<SubscriptionInfo?> SubscribeToChannelsAsync(string subscriptionId, IReadOnlyCollection<string> channels, CancellationToken cancellationToken = default) =>
        UpdateChannelsAsync(subscriptionId, [], channels, cancellationToken);

    /// <inheritdoc />
    public Task<SubscriptionInfo?> UnsubscribeFromChannelsAsync(string subscriptionId, IReadOnlyCollection<string> channels, CancellationToken cancellationToken = default) =>
        UpdateChannelsAsync(subscriptionId, channels, [], cancellationToken);

    /// <inheritdoc />
    public async Task<long> GetNextSequenceAsync(string name, CancellationToken cancellationToken = default) =>
        await _cluster.Sequences.ReserveAsync(name, 1, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        await _cluster.Directory.ClearAsync(cancellationToken).ConfigureAwait(false);
        await _cluster.Events.SignalAsync(new ClusterSignal(ClusterSignalKind.Reset, null), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ServerEventsStatistics GetStatistics() => _metrics.Snapshot();

    /// <summary>Serialises a message body once, enforcing the size limit.</summary>
    internal string Serialize(object? message)
    {
        if (message is null)
        {
            return string.Empty;
        }

        var body = JsonSerializer.Serialize(message, message.GetType(), Options.JsonSerializerOptions);
        var size = Encoding.UTF8.GetByteCount(body);
        return size > Options.MaxMessageSize ? throw new MessageTooLargeException(size, Options.MaxMessageSize) : body;
    }

    private async Task DepartAsync(SubscriptionInfo info, CancellationToken cancellationToken)
    {
        // Close the stream before the notices go out, so a leaving subscription is not sent its own leave.
        await _cluster.Events.SignalAsync(new ClusterSignal(ClusterSignalKind.Disconnect, info.Id), cancellationToken).ConfigureAwait(false);

        if (Options.Hooks.OnUnsubscribe is { } onUnsubscribe)
        {
            await onUnsubscribe(info).ConfigureAwait(false);
        }

        await AnnounceAsync(info.Channels, LeaveSelector, info, cancellationToken).ConfigureAwait(false);
    }

    private async Task AnnounceAsync(IEnumerable<string> channels, string selector, SubscriptionInfo info, CancellationToken cancellationToken)
    {
        if (!Options.NotifyChannelOfSubscriptions)
        {
            return;
        }

        // Sent to every channel of the subscription and logged for replay: the channel list in it is bounded.
        var body = Serialize(info.ToPublicInfo(Options.MaxNoticeChannelsLength));
        foreach (var channel in channels)
        {
            await PublishSerializedAsync(new EventTarget(EventTargetKind.Channel, channel), selector, body, cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<long> PublishTargetedAsync(EventTargetKind kind, string key, string selector, object? message, string? channel, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (channel is not null)
        {
            EnsureValidChannel(channel, nameof(channel));
        }

        return PublishAsync(new EventTarget(kind, key, channel), selector, message, cancellationToken);
    }

    private Task<long> PublishAsync(EventTarget target, string selector, object? message, CancellationToken cancellationToken)
    {
        EventSelector.EnsureValid(selector, nameof(selector));
        return PublishSerializedAsync(target, selector, Serialize(message), cancellationToken);
    }

    private async Task<long> PublishSerializedAsync(EventTarget target, string selector, string body, CancellationToken cancellationToken)
    {
        var fullSelector = target.Kind == EventTargetKind.Channel ? target.Key + "@" + selector : selector;
        using var activity = ServerEventsTracing.StartPublish(target, fullSelector);
        var outgoing = new OutgoingEvent(target, fullSelector, body) { TraceParent = activity?.Id };
        var id = await _cluster.Events.PublishAsync(outgoing, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("messaging.message.id", id);
        _metrics.EventPublished();
        return id;
    }

    private void EnsureValidChannel(string channel, string paramName)
    {
        if (ChannelNames.Validate(channel) is { } error)
        {
            throw new ArgumentException(error, paramName);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Subscription {SubscriptionId} of user {UserId} registered in {Channels}")]
    private partial void LogRegistered(string subscriptionId, string userId, IReadOnlyList<string> channels);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription {SubscriptionId} of user {UserId} expired after missing its heartbeats")]
    private partial void LogExpired(string subscriptionId, string userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The departure of expired subscription {SubscriptionId} failed on attempt {Attempt}; the next sweep tries again")]
    private partial void LogDepartureFailed(Exception exception, string subscriptionId, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "The departure of expired subscription {SubscriptionId} failed on attempt {Attempt}; giving up")]
    private partial void LogDepartureAbandoned(Exception exception, string subscriptionId, int attempt);
}
