namespace ServerEvents.Api.Chat;

/// <summary>The chat's limits and switches, bound from the <c>Chat</c> configuration section.</summary>
public sealed class ChatOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Chat";

    /// <summary>The longest message, in characters; longer ones are refused with 413. Default 1,000.</summary>
    public int MaxMessageLength { get; set; } = 1_000;

    /// <summary>
    /// Whether <c>/raw</c> (remote control) to other people is refused to anonymous senders with 403. <c>@me</c>
    /// (to the sender's own user id) is always allowed. Default true.
    /// </summary>
    public bool RemoteControlRequiresSignIn { get; set; } = true;

    /// <summary>
    /// Whether <c>/raw</c> (remote control) to a whole channel, rather than to one user, is refused with 403 to
    /// everyone but administrators. Default true.
    /// </summary>
    public bool ChannelRemoteControlRequiresAdministrator { get; set; } = true;

    /// <summary>How many posts one user may make per <see cref="RateLimitWindow"/>. Default 20.</summary>
    public int RateLimitPermits { get; set; } = 20;

    /// <summary>The rate-limit window. Default 10 seconds.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many history messages one request may ask for. Default 1,000.</summary>
    public int MaxHistoryTake { get; set; } = 1_000;
}
