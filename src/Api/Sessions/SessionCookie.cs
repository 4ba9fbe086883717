using System.Buffers.Text;
using System.Security.Cryptography;

namespace ServerEvents.Api;

/// <summary>
/// Gives every visitor an HttpOnly session cookie (<c>ss-id</c>, the name ServiceStack uses), so an anonymous
/// subscription can be tied to the browser that opened it.
/// </summary>
internal static class SessionCookie
{
    public const string Name = "ss-id";

    private static readonly object NewSessionKey = new();

    /// <summary>The caller's session id, including one issued earlier in this same request.</summary>
    public static string? Read(HttpContext context) =>
        context.Items.TryGetValue(NewSessionKey, out var issued) ? (string?)issued : context.Request.Cookies[Name];

    public static IApplicationBuilder UseSessionCookie(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (string.IsNullOrEmpty(context.Request.Cookies[Name]))
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

        await next(context);
    });
}
