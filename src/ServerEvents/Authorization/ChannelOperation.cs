namespace ServerEvents.Authorization;

/// <summary>What a caller wants to do with a channel.</summary>
public enum ChannelOperation
{
    /// <summary>Receive the channel's messages: open a stream in it, or add it to a subscription.</summary>
    Subscribe,

    /// <summary>Send a message to the channel.</summary>
    Publish,
}
