namespace ServerEvents.History;

/// <summary>A chat message as stored in history and sent to clients.</summary>
/// <param name="Id">Unique and increasing across all channels (the cluster-wide <c>chat-message</c> sequence).</param>
/// <param name="Channel">The channel it was posted to.</param>
/// <param name="FromUserId">The sender's user id.</param>
/// <param name="FromName">The sender's user name, or display name when anonymous (what <c>@name</c> refers to).</param>
/// <param name="DisplayName">The sender's display name.</param>
/// <param name="Message">The text, exactly as typed (clients render it as text, never as HTML).</param>
/// <param name="Private">Whether it went to one user only; private messages are never stored.</param>
/// <param name="CreatedAt">When it was posted.</param>
public sealed record ChatMessage(
    long Id,
    string Channel,
    string FromUserId,
    string FromName,
    string DisplayName,
    string Message,
    bool Private,
    DateTimeOffset CreatedAt)
{
    /// <summary>For private messages, the recipient's user id.</summary>
    public string? ToUserId { get; init; }
}
