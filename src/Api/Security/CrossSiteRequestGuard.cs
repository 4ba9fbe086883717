using ServerEvents.Endpoints;

namespace ServerEvents.Api.Security;

/// <summary>
/// Refuses, with 403, state-changing requests (POST, PUT, PATCH, DELETE) that carry cookies and come from another
/// site: a form or script elsewhere could otherwise sign a visitor in or out, or post as them, with the cookies
/// the browser attaches. A request passes when its <c>Origin</c> is this site's own origin (scheme, host and port
/// as this server sees them, after trusted forwarded headers), or, without <c>Origin</c>, when
/// <c>Sec-Fetch-Site</c> is <c>same-origin</c> or <c>none</c> (typed by the user). Requests with neither header
/// (non-browser API clients) pass unchanged, and so do requests without cookies (nothing to abuse), except sign-in
/// and sign-out: a cross-site form must not sign a first-time visitor in as the attacker either (login CSRF).
/// </summary>
internal static partial class CrossSiteRequestGuard
{
    /// <summary>Adds the guard; place it before anything that adds cookies to the request (the session cookie).</summary>
    public static IApplicationBuilder UseCrossSiteRequestGuard(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CrossSiteRequestGuard).FullName!);
        return app.Use((context, next) =>
        {
            var request = context.Request;
            if (!ChangesState(request.Method) || (request.Headers.Cookie.Count == 0 && !IsSignIn(request.Path)) || IsSameOrigin(request))
            {
                return next(context);
            }

            Log.Refused(logger, request.Method, request.Path, request.Headers.Origin.ToString(), request.Headers["Sec-Fetch-Site"].ToString());
            return ErrorResponse.WriteAsync(context, StatusCodes.Status403Forbidden,
                "Cross-site request refused: this request carries cookies but comes from another site.");
        });
    }

    private static bool ChangesState(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static bool IsSignIn(PathString path) => path.StartsWithSegments("/auth", StringComparison.OrdinalIgnoreCase);

    private static bool IsSameOrigin(HttpRequest request)
    {
        if (request.Headers.Origin is { Count: > 0 } origin)
        {
            return origin.Count == 1 && string.Equals(origin[0], $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
        }

        if (request.Headers["Sec-Fetch-Site"] is { Count: > 0 } site)
        {
            return site.Count == 1 && (site[0] is "same-origin" or "none");
        }

        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Refused a cross-site {Method} {Path} (Origin '{Origin}', Sec-Fetch-Site '{SecFetchSite}').")]
        public static partial void Refused(ILogger logger, string method, PathString path, string origin, string secFetchSite);
    }
}
