using ServerEvents.Protocol;

namespace ServerEvents.Cluster;

/// <summary>
/// An event after the cluster tier has given it its position: the unit that is logged, fanned out to every
/// node and delivered to every matching connection.
/// </summary>
public sealed class ClusterEvent
{
    private byte[]? _frame;
    private string? _selector;
    private string? _body;

    /// <summary>Creates an event.</summary>
    public ClusterEvent(long id, EventTarget target, string selector, string body, DateTimeOffset createdAt)
    {
        Id = id;
        Target = target;
        _selector = selector;
        _body = body;
        CreatedAt = createdAt;
    }

    /// <summary>Creates an event from its encoded frame; the selector and body are decoded from it when first asked for.</summary>
    internal ClusterEvent(long id, EventTarget target, byte[] frame, DateTimeOffset createdAt)
    {
        Id = id;
        Target = target;
        _frame = frame;
        CreatedAt = createdAt;
    }

    /// <summary>The log position, sent as the SSE <c>id</c>.</summary>
    public long Id { get; }

    /// <summary>Who the event is for.</summary>
    public EventTarget Target { get; }

    /// <summary>The full selector, including any <c>channel@</c> prefix.</summary>
    public string Selector => _selector ?? DecodeText().Selector;

    /// <summary>Single-line JSON, or empty for a null message.</summary>
    public string Body => _body ?? DecodeText().Body;

    /// <summary>When the event was published.</summary>
    public DateTimeOffset CreatedAt { get; }

    /// <summary>The W3C <c>traceparent</c> of the publish, carried through the tier (see <see cref="OutgoingEvent.TraceParent"/>).</summary>
    public string? TraceParent { get; init; }

    /// <summary>The UTF-8 frame, encoded on first use and then shared by every recipient.</summary>
    public ReadOnlyMemory<byte> Frame => _frame ??= EventFrame.Encode(Id, Selector, Body);

    private (string Selector, string Body) DecodeText()
    {
        // Two threads may both decode; they produce equal strings, so either may win.
        var (selector, body) = EventFrame.DecodeText(_frame!);
        _selector = selector;
        _body = body;
        return (selector, body);
    }
}
