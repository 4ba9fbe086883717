namespace ServerEvents.Authorization;

/// <summary>
/// A channel's authorization refused the caller. It is an <see cref="UnauthorizedAccessException"/>, so the
/// library's endpoints and <see cref="Endpoints.BadInputFilter"/> answer it with 403 and its message, which names
/// the channel.
/// </summary>
public sealed class ChannelAccessDeniedException : UnauthorizedAccessException
{
    /// <summary>Creates the exception for <paramref name="channel"/> and <paramref name="operation"/>.</summary>
    public ChannelAccessDeniedException(string channel, ChannelOperation operation)
        : base(operation == ChannelOperation.Subscribe
            ? $"You may not subscribe to channel '{channel}'."
            : $"You may not publish to channel '{channel}'.")
    {
        Channel = channel;
        Operation = operation;
    }

    /// <summary>The refused channel.</summary>
    public string Channel { get; }

    /// <summary>What was refused.</summary>
    public ChannelOperation Operation { get; }
}
