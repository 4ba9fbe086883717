namespace ServerEvents.Subscriptions;

/// <summary>What an anonymous identity (user id and <c>userN</c> display name) belongs to.</summary>
public enum AnonymousIdentityScope
{
    /// <summary>
    /// The browser session (the session claim or cookie): every tab, reconnect and reload of one session is the same
    /// user, so it is one entry in the users list and its private messages are replayed after a reconnect. A stream
    /// opened without a session falls back to <see cref="Subscription"/>.
    /// </summary>
    Session,

    /// <summary>Every stream is a new anonymous user (<c>-1</c>, <c>-2</c>, …), as ServiceStack numbers them.</summary>
    Subscription,
}
