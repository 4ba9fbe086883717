namespace ServerEvents.Subscriptions;

/// <summary>Who sent a request, as far as it says: a signed-in user, a session, both or neither.</summary>
/// <param name="UserId">The signed-in user's id, or <see langword="null"/> for an anonymous caller.</param>
/// <param name="SessionId">The session id (claim or cookie), or <see langword="null"/> when the request carries none.</param>
public sealed record SubscriberCaller(string? UserId, string? SessionId)
{
    /// <summary>
    /// Whether the caller may act on <paramref name="subscription"/>: a caller that carries neither a user nor a
    /// session (a ServiceStack client that only knows its own subscription id) may; otherwise the subscription must
    /// be of the same session or of the same signed-in user.
    /// </summary>
    public bool MayActOn(SubscriptionInfo subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        if (UserId is null && SessionId is null)
        {
            return true;
        }

        return (SessionId is not null && string.Equals(SessionId, subscription.SessionId, StringComparison.Ordinal))
            || (UserId is not null && subscription.IsAuthenticated && string.Equals(UserId, subscription.UserId, StringComparison.Ordinal));
    }
}
