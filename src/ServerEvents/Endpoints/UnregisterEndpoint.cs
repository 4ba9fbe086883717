using Microsoft.AspNetCore.Http;

namespace ServerEvents.Endpoints;

/// <summary><c>/event-unregister?id=X</c>, any verb: removes X (leave notices go out) and returns its public info.</summary>
internal sealed class UnregisterEndpoint(IServerEvents serverEvents)
{
    public async Task HandleAsync(HttpContext context)
    {
        var id = SubscriptionIdQuery.Read(context.Request);
        var removed = await serverEvents.UnregisterAsync(id, context.RequestAborted).ConfigureAwait(false);
        if (removed is null)
        {
            await ErrorResponse.WriteSubscriptionNotFoundAsync(context, id).ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsJsonAsync(removed.ToPublicInfo(), context.RequestAborted).ConfigureAwait(false);
    }
}
