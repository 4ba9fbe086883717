using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ServerEvents.Hosting;

namespace ServerEvents.Authorization;

/// <summary>
/// Applies <see cref="ServerEventsOptions.Channels"/>: the stream and the channel update check subscriptions with it,
/// and an application's own publish routes call <see cref="EnsureMayPublishAsync"/> before publishing for a caller.
/// <see cref="IServerEvents"/> itself is not checked: it is the application's own, trusted, code.
/// </summary>
public sealed partial class ChannelAuthorizer
{
    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<ServerEventsOptions> _options;
    private readonly ILogger<ChannelAuthorizer> _logger;

    /// <summary>Creates the authorizer.</summary>
    public ChannelAuthorizer(IServiceProvider services, IOptionsMonitor<ServerEventsOptions> options, ILogger<ChannelAuthorizer> logger)
    {
        _services = services;
        _options = options;
        _logger = logger;
    }

    // Looked up only when a rule names a policy: registering authorization for every application would make
    // WebApplication insert UseAuthorization, which then insists on AddAuthorization.
    private IAuthorizationService Authorization => _services.GetService<IAuthorizationService>()
        ?? throw new InvalidOperationException("A ServerEvents channel rule names an authorization policy, but no IAuthorizationService is registered: call services.AddAuthorization().");

    /// <summary>Whether <paramref name="user"/> may do <paramref name="operation"/> on <paramref name="channel"/>.</summary>
    public async ValueTask<bool> IsAllowedAsync(ClaimsPrincipal user, string channel, ChannelOperation operation, HttpContext? httpContext = null)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(channel);
        foreach (var rule in _options.CurrentValue.Channels.Rules)
        {
            if (!rule.Matches(channel))
            {
                continue;
            }

            if (rule.Callback is { } callback)
            {
                if (!await callback(new ChannelAuthorizationContext(user, channel, operation, httpContext)).ConfigureAwait(false))
                {
                    return false;
                }
            }
            else if (rule.PolicyFor(operation) is { } policy
                && !(await Authorization.AuthorizeAsync(user, channel, policy).ConfigureAwait(false)).Succeeded)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws <see cref="ChannelAccessDeniedException"/> (403) naming the first channel the caller may not subscribe to.</summary>
    public ValueTask EnsureMaySubscribeAsync(HttpContext context, IEnumerable<string> channels) =>
        EnsureAsync(context, channels, ChannelOperation.Subscribe);

    /// <summary>Throws <see cref="ChannelAccessDeniedException"/> (403) when the caller may not publish to <paramref name="channel"/>.</summary>
    public ValueTask EnsureMayPublishAsync(HttpContext context, string channel) =>
        EnsureAsync(context, [channel], ChannelOperation.Publish);

    private async ValueTask EnsureAsync(HttpContext context, IEnumerable<string> channels, ChannelOperation operation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(channels);
        if (_options.CurrentValue.Channels.Rules.Count == 0)
        {
            return;
        }

        foreach (var channel in channels)
        {
            if (!await IsAllowedAsync(context.User, channel, operation, context).ConfigureAwait(false))
            {
                LogRefused(operation, channel, context.User.Identity?.Name);
                throw new ChannelAccessDeniedException(channel, operation);
            }
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Refused {Operation} on channel {Channel} to {UserName}", EventName = "ChannelRefused")]
    private partial void LogRefused(ChannelOperation operation, string channel, string? userName);
}
