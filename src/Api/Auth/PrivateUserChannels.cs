using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using ServerEvents.Hosting;

namespace ServerEvents.Api.Auth;

/// <summary>
/// The sample channel policy: a channel named <c>Auth:PrivateChannelPrefix</c> (default <c>user-</c>) followed by a
/// user id is that signed-in user's own; nobody else may subscribe to it or publish to it. An empty prefix turns it
/// off. It is an <see cref="IAuthorizationService"/> policy named <see cref="PolicyName"/> whose resource is the
/// channel's name, applied through <see cref="ServerEventsOptions.Channels"/>.
/// </summary>
internal static class PrivateUserChannels
{
    /// <summary>The authorization policy's name.</summary>
    public const string PolicyName = "OwnUserChannel";

    /// <summary>The configuration key of the prefix.</summary>
    public const string PrefixKey = "Auth:PrivateChannelPrefix";

    public static IServiceCollection AddPrivateUserChannels(this IServiceCollection services, IConfiguration configuration)
    {
        var prefix = configuration[PrefixKey] ?? "user-";
        if (prefix.Length == 0)
        {
            return services;
        }

        services.AddSingleton<IAuthorizationHandler, OwnUserChannelHandler>();
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy.AddRequirements(new OwnUserChannelRequirement(prefix)));
        services.Configure<ServerEventsOptions>(options => options.Channels.Authorize(prefix + "*", subscribe: PolicyName, publish: PolicyName));
        return services;
    }

    /// <summary>The channel must be the prefix followed by the caller's own user id.</summary>
    internal sealed record OwnUserChannelRequirement(string Prefix) : IAuthorizationRequirement;

    /// <summary>Succeeds when the channel (the resource) is <c>{prefix}{user id}</c> of the signed-in caller.</summary>
    internal sealed class OwnUserChannelHandler : AuthorizationHandler<OwnUserChannelRequirement, string>
    {
        protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OwnUserChannelRequirement requirement, string resource)
        {
            if (context.User.Identity?.IsAuthenticated == true
                && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } userId
                && string.Equals(resource, requirement.Prefix + userId, StringComparison.Ordinal))
            {
                context.Succeed(requirement);
            }

            return Task.CompletedTask;
        }
    }
}
