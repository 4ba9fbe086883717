using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerEvents.Authorization;
using ServerEvents.Hosting;

namespace ServerEvents.Endpoints;

/// <summary>
/// <c>POST /event-subscribers/{id}</c> and the UpdateEventSubscriber forms (id in the body): leaves
/// <c>unsubscribeChannels</c>, then joins <c>subscribeChannels</c>; answers <c>{}</c>. Fields come from the body
/// only, and only the subscription's own session or user (or a caller with neither) may change it; channels it joins
/// must be allowed to the caller by <see cref="ServerEventsOptions.Channels"/> (403 naming the channel).
/// </summary>
internal sealed class UpdateSubscriberEndpoint(
    IServerEvents serverEvents,
    SubscriptionAccess access,
    ChannelAuthorizer channelAuthorizer,
    IOptionsMonitor<ServerEventsOptions> options)
{
    public async Task HandleAsync(HttpContext context)
    {
        var fields = await RequestFields.ReadAsync(context.Request, options.CurrentValue.MaxRequestBodySize, context.RequestAborted)
            .ConfigureAwait(false);
        var id = context.Request.RouteValues["id"] as string ?? fields.Get("id");
        if (string.IsNullOrEmpty(id))
        {
            throw new BadHttpRequestException("The subscription 'id' is required.", StatusCodes.Status400BadRequest);
        }

        await access.EnsureCallerMayActAsync(context, id).ConfigureAwait(false);

        // Leaving a channel is always allowed; joining one is checked against the caller, before anything changes.
        var subscribe = fields.GetList("subscribeChannels");
        await channelAuthorizer.EnsureMaySubscribeAsync(context, subscribe).ConfigureAwait(false);
        var updated = await serverEvents.UpdateChannelsAsync(id, fields.GetList("unsubscribeChannels"), subscribe, context.RequestAborted)
            .ConfigureAwait(false);
        if (updated is null)
        {
            await ErrorResponse.WriteSubscriptionNotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsJsonAsync(new Dictionary<string, string>(), context.RequestAborted).ConfigureAwait(false);
    }
}
