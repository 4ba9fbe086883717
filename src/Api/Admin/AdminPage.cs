using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using ServerEvents.Api.Auth;
using ServerEvents.Endpoints;

namespace ServerEvents.Api.Admin;

/// <summary>
/// <c>GET /admin</c>: the dashboard page for administrators, 403 for everyone else. A browser is told why and offered
/// the GitHub sign-in (a guest name can never be an administrator); other callers get the usual JSON error.
/// </summary>
/// <remarks>
/// The markup lives here rather than in <c>wwwroot</c>, whose static files are served before authentication, so
/// the page itself cannot be fetched past the check. Its script and styles (<c>/admin/*.js</c>, <c>/admin/*.css</c>)
/// are static and carry no data: the figures come only over the admin channel.
/// </remarks>
internal static class AdminPage
{
    public const string Forbidden = "The admin dashboard is for administrators: sign in with a GitHub account listed in Auth:Administrators.";

    public static Task WriteAsync(HttpContext context, IOptionsMonitor<AdminOptions> options, IOptionsMonitor<SignInOptions> signIn)
    {
        var isAdministrator = context.User.IsInRole(ChatRoles.Administrator);
        var wantsHtml = context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
        if (!isAdministrator && !wantsHtml)
        {
            return ErrorResponse.WriteAsync(context, StatusCodes.Status403Forbidden, Forbidden);
        }

        context.Response.StatusCode = isAdministrator ? StatusCodes.Status200OK : StatusCodes.Status403Forbidden;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers[HeaderNames.CacheControl] = "no-store";
        var body = isAdministrator
            ? Dashboard(options.CurrentValue.Channel)
            : Refusal(signIn.CurrentValue.GitHub.IsEnabled);
        return context.Response.WriteAsync(Layout(body, isAdministrator), context.RequestAborted);
    }

    private static string Layout(string body, bool withScript) => $$"""
        <!doctype html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <meta name="color-scheme" content="light dark">
          <meta name="robots" content="noindex">
          <title>ServerEvents Admin</title>
          <link rel="icon" href="/img/icon.svg" type="image/svg+xml">
          <link rel="stylesheet" href="/css/chat.css">
          <link rel="stylesheet" href="/admin/admin.css">
          {{(withScript ? """<script type="module" src="/admin/admin.js"></script>""" : string.Empty)}}
        </head>
        {{body}}
        </html>
        """;

    private static string Refusal(bool gitHub) => $$"""
        <body class="admin">
          <header class="top">
            <div class="brand"><img src="/img/icon.svg" alt="" width="28" height="28"><h1>ServerEvents Admin</h1></div>
          </header>
          <main class="admin-main">
            <section class="card refusal">
              <h2>Administrators only</h2>
              <p id="refusal">{{WebUtility.HtmlEncode(Forbidden)}}</p>
              <p>{{(gitHub ? """<a class="button button-primary" href="/auth/github?returnUrl=%2Fadmin">Sign in with GitHub</a> """ : string.Empty)}}<a class="button" href="/">Back to the chat</a></p>
            </section>
          </main>
        </body>
        """;

    private static string Dashboard(string channel) => $$"""
        <body class="admin" data-channel="{{WebUtility.HtmlEncode(channel)}}" data-selector="{{SnapshotPublisher.Selector}}">
          <header class="top">
            <div class="brand"><img src="/img/icon.svg" alt="" width="28" height="28"><h1>ServerEvents Admin</h1></div>
            <p id="status" class="status" data-state="connecting" role="status">Connecting…</p>
            <div class="account"><a class="button button-light" href="/">Chat</a></div>
          </header>
          <main class="admin-main">
            <section class="tiles" aria-label="Cluster totals">
              <div class="tile"><span class="tile-label">Connections</span><output id="total-connections" data-value="0">–</output></div>
              <div class="tile"><span class="tile-label">Publishes/s</span><output id="total-publishes" data-value="0">–</output></div>
              <div class="tile"><span class="tile-label">Deliveries/s</span><output id="total-deliveries" data-value="0">–</output></div>
              <div class="tile"><span class="tile-label">Delivered (since start)</span><output id="total-delivered" data-value="0">–</output></div>
              <div class="tile"><span class="tile-label">Nodes</span><output id="total-nodes" data-value="0">–</output></div>
            </section>
            <section id="charts" class="charts" aria-label="Charts"></section>
            <section class="cards">
              <div class="card">
                <h2>Nodes</h2>
                <table id="nodes"><thead><tr><th>Node</th><th>Tier</th><th>Health</th><th>Connections</th><th>Last seen</th></tr></thead><tbody></tbody></table>
              </div>
              <div class="card">
                <h2>Busiest channels</h2>
                <table id="channels"><thead><tr><th>Channel</th><th>Members</th></tr></thead><tbody></tbody></table>
              </div>
              <div class="card" id="silos-card" hidden>
                <h2>Orleans silos</h2>
                <table id="silos"><thead><tr><th>Silo</th><th>Address</th><th>Status</th></tr></thead><tbody></tbody></table>
              </div>
              <div class="card card-wide">
                <h2>Recent warnings and errors</h2>
                <ol id="errors" class="errors"></ol>
                <p id="no-errors" class="muted">None so far.</p>
              </div>
            </section>
          </main>
        </body>
        """;
}
