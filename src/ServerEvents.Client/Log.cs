using Microsoft.Extensions.Logging;

namespace ServerEvents.Client;

/// <summary>The client's log messages, source-generated so that disabled levels cost nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "Opening {StreamUrl} with Last-Event-ID {LastEventId} of epoch {Epoch}")]
    public static partial void Connecting(ILogger logger, Uri streamUrl, string? lastEventId, string? epoch);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Connected as subscription {SubscriptionId} in channels {Channels}")]
    public static partial void Connected(ILogger logger, string subscriptionId, string channels);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Connection ended ({Reason}); reconnect attempt {Attempt} in {DelayMs:0} ms")]
    public static partial void Reconnecting(ILogger logger, Exception? exception, ReconnectReason reason, int attempt, double delayMs);

    [LoggerMessage(EventId = 4, Level = LogLevel.Trace, Message = "Heartbeat sent to {HeartbeatUrl}")]
    public static partial void HeartbeatSent(ILogger logger, Uri heartbeatUrl);

    [LoggerMessage(EventId = 5, Level = LogLevel.Error, Message = "Handling {Selector} failed")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string selector);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "An OnException handler threw")]
    public static partial void ExceptionHandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Subscription {SubscriptionId} is now in channels {Channels}")]
    public static partial void ChannelsChanged(ILogger logger, string subscriptionId, string channels);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Stopped; subscription {SubscriptionId} unregistered")]
    public static partial void Stopped(ILogger logger, string? subscriptionId);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Unregistering subscription {SubscriptionId} failed")]
    public static partial void UnregisterFailed(ILogger logger, Exception exception, string subscriptionId);

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Events after {LastEventId} were lost; the oldest the server still had was {OldestAvailableId}")]
    public static partial void ReplayGap(ILogger logger, long lastEventId, long? oldestAvailableId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "Receiver {Receiver} has no method or settable property named {Target}")]
    public static partial void ReceiverMemberMissing(ILogger logger, string receiver, string target);
}
