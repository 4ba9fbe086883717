namespace ServerEvents.Api;

/// <summary>
/// A content security policy for the chat page: scripts, styles and streams only from this site, so that even
/// a rendering bug cannot run injected markup; YouTube is the one frame source <c>tv.watch</c> needs.
/// </summary>
internal static class SecurityHeaders
{
    private const string Policy =
        "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
        "img-src 'self' http: https: data:; frame-src https://www.youtube.com https://www.youtube-nocookie.com; " +
        "object-src 'none'; base-uri 'self'; form-action 'self' https://github.com";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "same-origin";
        return next(context);
    });
}
