using Microsoft.Extensions.Logging;
using ServerEvents.Cluster;

namespace ServerEvents.Delivery;

/// <summary>
/// How a cluster tier hands one event or signal to a node's sink without ever silently skipping it: a call that
/// throws is made once more, and a sink that throws again is re-attached after that position, which tells it that
/// everything up to there must now come from the log (the dispatcher closes its streams so their clients resume
/// and are replayed what they missed).
/// </summary>
/// <remarks>Call it under the lock that orders the fan-out, so the retry keeps the sink's position order.</remarks>
public static partial class SinkHandOff
{
    /// <summary>Hands <paramref name="clusterEvent"/> to <paramref name="sink"/>.</summary>
    /// <returns><see langword="true"/> when the sink took the event, possibly on the second try.</returns>
    public static bool Deliver(IClusterEventSink sink, ClusterEvent clusterEvent, ILogger logger) =>
        Hand(sink, clusterEvent.Id, static (s, e) => s.OnEvent(e), clusterEvent, logger);

    /// <summary>Hands <paramref name="signal"/>, ordered after the event at <paramref name="position"/>, to <paramref name="sink"/>.</summary>
    /// <returns><see langword="true"/> when the sink took the signal, possibly on the second try.</returns>
    public static bool Signal(IClusterEventSink sink, ClusterSignal signal, long position, ILogger logger) =>
        Hand(sink, position, static (s, e) => s.OnSignal(e), signal, logger);

    private static bool Hand<T>(IClusterEventSink sink, long position, Action<IClusterEventSink, T> handOff, T item, ILogger logger)
    {
        try
        {
            handOff(sink, item);
            return true;
        }
        catch (Exception first)
        {
            LogRetrying(logger, first, position);
        }

        try
        {
            handOff(sink, item);
            return true;
        }
        catch (Exception second)
        {
            LogReattaching(logger, second, position);
        }

        try
        {
            sink.OnAttached(position);
        }
        catch (Exception ex)
        {
            LogReattachFailed(logger, ex, position);
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A node failed to take position {Position}; trying once more")]
    private static partial void LogRetrying(ILogger logger, Exception exception, long position);

    [LoggerMessage(Level = LogLevel.Error, Message = "A node failed twice to take position {Position}; re-attaching it there so its streams catch up from the log")]
    private static partial void LogReattaching(ILogger logger, Exception exception, long position);

    [LoggerMessage(Level = LogLevel.Critical, Message = "A node failed to re-attach at position {Position}")]
    private static partial void LogReattachFailed(ILogger logger, Exception exception, long position);
}
