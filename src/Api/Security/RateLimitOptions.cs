using System.Threading.RateLimiting;

namespace ServerEvents.Api.Security;

/// <summary>
/// Limits per client address (<see cref="ClientAddress"/>), bound from the <c>RateLimits</c> configuration section.
/// They sit on top of the per-user post limit (<c>Chat:RateLimitPermits</c>) so that a client cannot multiply its
/// budget by minting sessions or guest names.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "RateLimits";

    /// <summary>Chat and remote-control posts from one address, whoever sends them. Default 40 per 10 seconds.</summary>
    public FixedWindowLimit PostsPerAddress { get; set; } = new() { PermitLimit = 40, Window = TimeSpan.FromSeconds(10) };

    /// <summary>Sign-in attempts (<c>POST /auth/signin</c>) from one address. Default 10 per minute.</summary>
    public FixedWindowLimit SignInsPerAddress { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// New anonymous sessions (<c>ss-id</c> cookies) issued to one address. Beyond it a cookieless request is still
    /// served, without a session. Default 60 per minute.
    /// </summary>
    public FixedWindowLimit NewSessionsPerAddress { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };
}

/// <summary>A fixed-window limit: <see cref="PermitLimit"/> per <see cref="Window"/>.</summary>
public sealed class FixedWindowLimit
{
    /// <summary>How many are allowed per window.</summary>
    public int PermitLimit { get; set; }

    /// <summary>The window.</summary>
    public TimeSpan Window { get; set; }

    /// <summary>The limiter settings: no queueing, so a client over the limit hears so at once.</summary>
    internal FixedWindowRateLimiterOptions ToLimiterOptions() => new() { PermitLimit = PermitLimit, Window = Window, QueueLimit = 0 };
}
