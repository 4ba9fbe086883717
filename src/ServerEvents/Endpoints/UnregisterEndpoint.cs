using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerEvents.Hosting;

namespace ServerEvents.Endpoints;

/// <summary><c>/event-unregister?id=X</c>, any verb: removes X (leave notices go out) and returns its public info.</summary>
internal sealed class UnregisterEndpoint(IServerEvents serverEvents, SubscriptionAccess access, IOptionsMonitor<ServerEventsOptions> options)
{
    public async Task HandleAsync(HttpContext context)
    {
        var id = await SubscriptionIdQuery.ReadAsync(context, options.CurrentValue.MaxRequestBodySize, access).ConfigureAwait(false);
        var removed = await serverEvents.UnregisterAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (removed is null)
        {
            await ErrorResponse.WriteSubscriptionNotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsJsonAsync(removed.ToPublicInfo(), context.RequestAborted).ConfigureAwait(false);
    }
}
