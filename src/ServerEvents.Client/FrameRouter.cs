using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ServerEvents.Client;

/// <summary>
/// Routes an application message (anything but the protocol's own commands) to what the application registered:
/// <c>cmd.X</c> to the handler named X, and op <c>name</c> to the receiver registered under that name.
/// </summary>
internal sealed class FrameRouter(ILogger logger)
{
    public ConcurrentDictionary<string, Action<ServerEventsClient, ServerEventMessage>> Handlers { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, NamedReceiverInvoker> Receivers { get; } = new(StringComparer.Ordinal);

    public void Route(ServerEventsClient client, ServerEventMessage message)
    {
        if (message.Op == ServerEventMessage.CommandOp && Handlers.TryGetValue(message.Target, out var handler))
        {
            handler(client, message);
        }

        // A receiver may be registered as "cmd" too, as in ServiceStack, so this is not an else.
        if (Receivers.TryGetValue(message.Op, out var receiver))
        {
            if (!receiver.TryInvoke(message.Target, message.Json))
            {
                Log.ReceiverMemberMissing(logger, message.Op, message.Target);
            }
        }
    }
}
