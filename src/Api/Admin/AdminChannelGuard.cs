using Microsoft.Extensions.Options;
using ServerEvents.Api.Auth;
using ServerEvents.Endpoints;
using ServerEvents.Hosting;

namespace ServerEvents.Api.Admin;

/// <summary>
/// Keeps the admin channel to administrators: a stream that names it, a subscriber list that asks for it and a
/// channel update that joins it are refused with 403 for anyone else, before the server events endpoint runs.
/// </summary>
/// <remarks>
/// A middleware rather than <see cref="ServerEventsHooks"/>: <see cref="ServerEventsHooks.OnInit"/> sees a new stream
/// but <see cref="ServerEventsHooks.OnUpdate"/> runs after the subscription has joined, too late to refuse it.
/// </remarks>
internal sealed class AdminChannelGuard(RequestDelegate next, IOptionsMonitor<AdminOptions> admin, IOptionsMonitor<ServerEventsOptions> serverEvents)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.User.IsInRole(ChatRoles.Administrator) || await NamedChannelsAsync(context) is not { } channels)
        {
            await next(context);
            return;
        }

        var channel = admin.CurrentValue.Channel;
        if (channels.Any(c => string.Equals(c, channel, StringComparison.Ordinal)))
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status403Forbidden, $"Channel '{channel}' is for administrators only.");
            return;
        }

        await next(context);
    }

    /// <summary>The channels a server events request names, or <see langword="null"/> when it is not one that joins or lists channels.</summary>
    private async Task<IEnumerable<string>?> NamedChannelsAsync(HttpContext context)
    {
        // The route that matched, not the raw path: routing forgives a trailing slash or another letter case.
        if (context.GetEndpoint() is not RouteEndpoint { RoutePattern.RawText: { } route })
        {
            return null;
        }

        var request = context.Request;
        var options = serverEvents.CurrentValue;
        var paths = options.Paths;
        if (HttpMethods.IsGet(request.Method))
        {
            return IsAny(route, paths.Stream, paths.Subscribers, paths.ApiGetEventSubscribers, paths.JsonReplyGetEventSubscribers)
                ? request.Query["channels"].Concat(request.Query["channel"]).SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries))
                : null;
        }

        if (!HttpMethods.IsPost(request.Method)
            || !IsAny(route, paths.ApiUpdateEventSubscriber, paths.JsonReplyUpdateEventSubscriber, paths.Subscribers is { } subscribers ? subscribers.TrimEnd('/') + "/{id}" : null))
        {
            return null;
        }

        // The endpoint reads the body again: keep it, and leave a malformed one for the endpoint to answer.
        request.EnableBuffering();
        try
        {
            var fields = await RequestFields.ReadAsync(request, options.MaxRequestBodySize, context.RequestAborted);
            return fields.GetList("subscribeChannels");
        }
        catch (BadHttpRequestException)
        {
            return null;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }

    private static bool IsAny(string route, params ReadOnlySpan<string?> paths)
    {
        foreach (var path in paths)
        {
            if (path is not null && string.Equals(route.TrimEnd('/'), path.TrimEnd('/'), StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
