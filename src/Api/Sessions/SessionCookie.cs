using System.Buffers.Text;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using ServerEvents.Api.Security;

namespace ServerEvents.Api;

/// <summary>
/// Gives every visitor an HttpOnly session cookie (<c>ss-id</c>, the name ServiceStack uses), so an anonymous
/// subscription can be tied to the browser that opened it.
/// </summary>
/// <remarks>
/// New sessions are limited per client address (<see cref="RateLimitOptions.NewSessionsPerAddress"/>). Beyond the
/// limit a request without a cookie is served without a session rather than refused: header-less API clients,
/// health probes and ServiceStack clients that keep no cookies send every request without one and must keep
/// working, while a stream opened without a session is one nobody can post from (see <c>SenderVerifier</c>), so
/// minting sessions buys no posting identities. Health checks never mint one.
/// </remarks>
internal static partial class SessionCookie
{
    public const string Name = "ss-id";

    private static readonly object NewSessionKey = new();

    /// <summary>The caller's session id, including one issued earlier in this same request.</summary>
    public static string? Read(HttpContext context) =>
        context.Items.TryGetValue(NewSessionKey, out var issued) ? (string?)issued : context.Request.Cookies[Name];

    /// <summary>The per-address limiter of new sessions.</summary>
    public static IServiceCollection AddSessionCookie(this IServiceCollection services) =>
        services.AddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptionsMonitor<RateLimitOptions>>();
            return new NewSessionLimiter(PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Key(context), _ => options.CurrentValue.NewSessionsPerAddress.ToLimiterOptions())));
        });

    public static IApplicationBuilder UseSessionCookie(this IApplicationBuilder app)
    {
        var limiter = app.ApplicationServices.GetRequiredService<NewSessionLimiter>().Limiter;
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SessionCookie).FullName!);
        return app.Use(async (context, next) =>
        {
            if (string.IsNullOrEmpty(context.Request.Cookies[Name]) && !context.Request.Path.StartsWithSegments("/health"))
            {
                using var lease = limiter.AttemptAcquire(context);
                if (lease.IsAcquired)
                {
                    Issue(context);
                }
                else
                {
                    Log.SessionRefused(logger, ClientAddress.Key(context));
                }
            }

            await next(context);
        });
    }

    private static void Issue(HttpContext context)
    {
        var id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(18));
        context.Items[NewSessionKey] = id;

        // The event stream reads the session from the request's cookies, so the first request sees it too.
        context.Request.Headers.Append("Cookie", $"{Name}={id}");
        context.Response.Cookies.Append(Name, id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps,
            IsEssential = true,
        });
    }

    /// <summary>The limiter, as a type of its own so the container holds exactly this one.</summary>
    internal sealed record NewSessionLimiter(PartitionedRateLimiter<HttpContext> Limiter);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "No new session for {ClientAddress}: its new-session limit is used up; the request goes on without one.")]
        public static partial void SessionRefused(ILogger logger, string clientAddress);
    }
}
