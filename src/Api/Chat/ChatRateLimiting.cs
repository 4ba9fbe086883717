using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using ServerEvents.Endpoints;

namespace ServerEvents.Api.Chat;

/// <summary>A fixed window of posts per user (signed-in user id, else session, else address); 429 with Retry-After beyond it.</summary>
internal static class ChatRateLimiting
{
    public static IServiceCollection AddChatRateLimiting(this IServiceCollection services) =>
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(ChatEndpoints.PostPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptionsMonitor<ChatOptions>>().CurrentValue;
                return RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.RateLimitPermits,
                    Window = options.RateLimitWindow,
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await ErrorResponse.WriteAsync(rejected.HttpContext, StatusCodes.Status429TooManyRequests, $"Too many messages; try again in {seconds} s.");
            };
        });

    private static string PartitionKey(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId ? "user:" + userId
        : SessionCookie.Read(context) is { } session ? "session:" + session
        : "address:" + context.Connection.RemoteIpAddress;
}
