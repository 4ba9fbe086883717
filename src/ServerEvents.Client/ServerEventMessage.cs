namespace ServerEvents.Client;

/// <summary>
/// One frame of the event stream, split as the ServiceStack clients split it:
/// <c>data: [channel@]op.target[$cssSelector] json</c>.
/// </summary>
public sealed class ServerEventMessage
{
    internal const string CommandOp = "cmd";

    private static readonly HashSet<string> SystemCommands =
        new(["onConnect", "onJoin", "onLeave", "onUpdate", "onHeartbeat", "onReplayGap"], StringComparer.Ordinal);

    internal ServerEventMessage(long? eventId, string data, string? channel, string selector, string op, string target, string? cssSelector, string json)
    {
        EventId = eventId;
        Data = data;
        Channel = channel;
        Selector = selector;
        Op = op;
        Target = target;
        CssSelector = cssSelector;
        Json = json;
    }

    /// <summary>The frame's <c>id</c>, the cursor a reconnect resumes from; <see langword="null"/> when absent.</summary>
    public long? EventId { get; }

    /// <summary>The whole <c>data</c> field.</summary>
    public string Data { get; }

    /// <summary>The channel the message was sent to, or <see langword="null"/> when it was not sent to a channel.</summary>
    public string? Channel { get; }

    /// <summary>The selector without the channel prefix, e.g. <c>cmd.chat</c> or <c>css.color$#box</c>.</summary>
    public string Selector { get; }

    /// <summary>The part of the selector before the first dot: <c>cmd</c>, <c>css</c>, <c>trigger</c> or a receiver name.</summary>
    public string Op { get; }

    /// <summary>The part after the first dot, without the CSS selector, with <c>%20</c> turned into a space.</summary>
    public string Target { get; }

    /// <summary>The part after <c>$</c>, or <see langword="null"/>.</summary>
    public string? CssSelector { get; }

    /// <summary>The message body as JSON text; empty when the server sent a null message.</summary>
    public string Json { get; }

    /// <summary>Whether this is one of the protocol's own commands (<c>cmd.onConnect</c>, <c>cmd.onJoin</c>, …), which <see cref="ServerEventsClient.OnMessage"/> does not see.</summary>
    public bool IsSystemCommand => Op == CommandOp && SystemCommands.Contains(Target);

    /// <inheritdoc />
    public override string ToString() => Data;
}
