using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ServerEvents.Api.Security;
using ServerEvents.Endpoints;

namespace ServerEvents.Api.Chat;

/// <summary>
/// The rate limits of the chat's endpoints; 429 with Retry-After beyond any of them.
/// <list type="bullet">
/// <item>Posts: a fixed window per user (signed-in user id, else session, else address) and, on top of it, one per
/// client address, so sessions and guest names minted for free do not multiply the budget. The framework applies
/// the global limiter (per address) and then the endpoint's policy (per user): both must grant.</item>
/// <item>Sign-in: a fixed window per client address.</item>
/// </list>
/// </summary>
internal static class ChatRateLimiting
{
    /// <summary>The rate-limiting policy applied to sign-in attempts.</summary>
    public const string SignInPolicy = "sign-in";

    public static IServiceCollection AddChatRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.SectionName));
        return services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ChatEndpoints.PostPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptionsMonitor<ChatOptions>>().CurrentValue;
                return RateLimitPartition.GetFixedWindowLimiter(UserKey(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.RateLimitPermits,
                    Window = options.RateLimitWindow,
                    QueueLimit = 0,
                });
            });
            limiter.AddPolicy(SignInPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                ClientAddress.Key(context), _ => Limits(context).SignInsPerAddress.ToLimiterOptions()));
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                PolicyOf(context) == ChatEndpoints.PostPolicy
                    ? RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Key(context), _ => Limits(context).PostsPerAddress.ToLimiterOptions())
                    : RateLimitPartition.GetNoLimiter(string.Empty));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var context = rejected.HttpContext;
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                var what = PolicyOf(context) == SignInPolicy ? "sign-in attempts" : "messages";
                await ErrorResponse.WriteAsync(context, StatusCodes.Status429TooManyRequests, $"Too many {what}; try again in {seconds} s.");
            };
        });
    }

    private static string? PolicyOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName;

    private static RateLimitOptions Limits(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptionsMonitor<RateLimitOptions>>().CurrentValue;

    private static string UserKey(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId ? "user:" + userId
        : SessionCookie.Read(context) is { } session ? "session:" + session
        : "address:" + ClientAddress.Key(context);
}
