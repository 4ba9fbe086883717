namespace ServerEvents.Client;

/// <summary>A join, leave, update or heartbeat notice: which subscription it is about, and the frame it came in.</summary>
/// <param name="User">The subscription the notice is about.</param>
/// <param name="Message">The frame; <see cref="ServerEventMessage.Channel"/> is the channel the notice was sent to.</param>
public sealed record ServerEventPresence(ServerEventUser User, ServerEventMessage Message)
{
    /// <summary>The channel the notice was sent to; <see langword="null"/> for heartbeats.</summary>
    public string? Channel => Message.Channel;
}
