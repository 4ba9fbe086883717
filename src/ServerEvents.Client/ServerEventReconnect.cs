namespace ServerEvents.Client;

/// <summary>Why a connection ended and the client is about to open another.</summary>
public enum ReconnectReason
{
    /// <summary>The server ended the stream.</summary>
    StreamEnded,

    /// <summary>Reading the stream failed (the connection broke).</summary>
    StreamFailed,

    /// <summary>The stream could not be opened (refused, non-2xx, or no <c>cmd.onConnect</c> in time).</summary>
    ConnectFailed,

    /// <summary>A heartbeat was refused (for example 404 once the server expired or reset the subscription) or failed.</summary>
    HeartbeatFailed,

    /// <summary>Nothing arrived within the idle timeout the server announced.</summary>
    IdleTimeout,
}

/// <summary>Raised before the client waits and reconnects.</summary>
/// <param name="Reason">Why the previous connection ended.</param>
/// <param name="Attempt">1 for the first reconnect after a successful connect, then counting up until one succeeds.</param>
/// <param name="Delay">How long the client waits before reconnecting (exponential back-off with full jitter).</param>
/// <param name="Error">What went wrong, when something did.</param>
public sealed record ServerEventReconnect(ReconnectReason Reason, int Attempt, TimeSpan Delay, Exception? Error);
