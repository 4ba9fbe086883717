namespace ServerEvents.Authorization;

/// <summary>
/// Who may subscribe to, and who may publish to, which channels (<see cref="Hosting.ServerEventsOptions.Channels"/>).
/// A channel no rule covers is open to everyone. Every rule that covers a channel must allow the operation.
/// Patterns are a channel name (<c>lobby</c>) or a prefix ending in <c>*</c> (<c>user-*</c>); a pattern covers
/// concrete channel names only, since subscriptions to wildcards do not exist.
/// </summary>
public sealed class ChannelAuthorizationOptions
{
    private readonly List<ChannelRule> _rules = [];

    internal IReadOnlyList<ChannelRule> Rules => _rules;

    /// <summary>
    /// Requires the <see cref="Microsoft.AspNetCore.Authorization.IAuthorizationService"/> policy
    /// <paramref name="subscribe"/> to subscribe to channels matching <paramref name="pattern"/>, and
    /// <paramref name="publish"/> to publish to them; a null policy leaves that operation unrestricted by this rule.
    /// The policy's resource is the channel's name (a <see cref="string"/>).
    /// </summary>
    /// <returns>These options, to chain rules.</returns>
    public ChannelAuthorizationOptions Authorize(string pattern, string? subscribe = null, string? publish = null)
    {
        if (subscribe is null && publish is null)
        {
            throw new ArgumentException("Name a subscribe policy, a publish policy or both.", nameof(subscribe));
        }

        _rules.Add(new ChannelRule(pattern, subscribe, publish, callback: null));
        return this;
    }

    /// <summary>
    /// Lets <paramref name="authorize"/> decide, for both operations (see
    /// <see cref="ChannelAuthorizationContext.Operation"/>), on channels matching <paramref name="pattern"/>.
    /// </summary>
    /// <returns>These options, to chain rules.</returns>
    public ChannelAuthorizationOptions Authorize(string pattern, Func<ChannelAuthorizationContext, ValueTask<bool>> authorize)
    {
        ArgumentNullException.ThrowIfNull(authorize);
        _rules.Add(new ChannelRule(pattern, subscribePolicy: null, publishPolicy: null, authorize));
        return this;
    }
}
