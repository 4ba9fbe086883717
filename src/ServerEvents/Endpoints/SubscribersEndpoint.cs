using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerEvents.Authorization;
using ServerEvents.Hosting;
using ServerEvents.Protocol;

namespace ServerEvents.Endpoints;

/// <summary>
/// <c>GET /event-subscribers?channels=a,b</c> (and the GetEventSubscribers forms): the public info of every
/// subscription in those channels, each once; everyone when no channels are given. Who may not subscribe to a
/// channel may not list its members either (403 naming the channel).
/// </summary>
internal sealed class SubscribersEndpoint(IServerEvents serverEvents, ChannelAuthorizer channelAuthorizer, IOptionsMonitor<ServerEventsOptions> options)
{
    public async Task HandleAsync(HttpContext context)
    {
        var current = options.CurrentValue;
        var query = context.Request.Query;
        var channels = new ChannelNames(current.MaxChannelNameLength, int.MaxValue).Parse([.. query["channels"], .. query["channel"]]);
        if (!channels.IsValid)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, channels.Error!).ConfigureAwait(false);
            return;
        }

        await channelAuthorizer.EnsureMaySubscribeAsync(context, channels.Names).ConfigureAwait(false);
        var subscriptions = await serverEvents.GetSubscriptionsDetailsAsync(channels.Names, context.RequestAborted).ConfigureAwait(false);
        await context.Response.WriteAsJsonAsync(subscriptions.Select(s => s.ToPublicInfo()).ToList(), context.RequestAborted).ConfigureAwait(false);
    }
}
