namespace ServerEvents.Subscriptions;

/// <summary>Who is opening a stream, as resolved from the request.</summary>
/// <param name="UserId">The user id; <c>-n</c> for anonymous users.</param>
/// <param name="UserName">The user name, when signed in.</param>
/// <param name="DisplayName">The name shown to other users.</param>
/// <param name="ProfileUrl">A picture of the user, when known.</param>
/// <param name="SessionId">The session id, when the request carries one.</param>
/// <param name="IsAuthenticated">Whether the user is signed in.</param>
public sealed record SubscriberIdentity(
    string UserId,
    string? UserName,
    string DisplayName,
    string? ProfileUrl,
    string? SessionId,
    bool IsAuthenticated);
