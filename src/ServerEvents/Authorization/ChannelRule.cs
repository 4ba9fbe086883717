namespace ServerEvents.Authorization;

/// <summary>
/// One rule of <see cref="ChannelAuthorizationOptions"/>: the channels it covers (a name, or a prefix ending in
/// <c>*</c>) and what it requires of a subscriber and of a publisher there.
/// </summary>
internal sealed class ChannelRule
{
    private readonly string _pattern;
    private readonly bool _isPrefix;

    public ChannelRule(string pattern, string? subscribePolicy, string? publishPolicy, Func<ChannelAuthorizationContext, ValueTask<bool>>? callback)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        if (pattern.IndexOf('*', StringComparison.Ordinal) is var star and >= 0 && star != pattern.Length - 1)
        {
            throw new ArgumentException($"Channel pattern '{pattern}' may only end in '*' (a prefix); wildcards elsewhere are not supported.", nameof(pattern));
        }

        _isPrefix = pattern.EndsWith('*');
        _pattern = _isPrefix ? pattern[..^1] : pattern;
        SubscribePolicy = subscribePolicy;
        PublishPolicy = publishPolicy;
        Callback = callback;
    }

    public string? SubscribePolicy { get; }

    public string? PublishPolicy { get; }

    public Func<ChannelAuthorizationContext, ValueTask<bool>>? Callback { get; }

    public bool Matches(string channel) =>
        _isPrefix ? channel.StartsWith(_pattern, StringComparison.Ordinal) : string.Equals(channel, _pattern, StringComparison.Ordinal);

    public string? PolicyFor(ChannelOperation operation) => operation == ChannelOperation.Subscribe ? SubscribePolicy : PublishPolicy;
}
