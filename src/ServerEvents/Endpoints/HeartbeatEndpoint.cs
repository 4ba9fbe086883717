using Microsoft.AspNetCore.Http;

namespace ServerEvents.Endpoints;

/// <summary><c>/event-heartbeat?id=X</c>, any verb: marks X alive and pushes <c>cmd.onHeartbeat</c> to it.</summary>
internal sealed class HeartbeatEndpoint(IServerEvents serverEvents)
{
    public async Task HandleAsync(HttpContext context)
    {
        var id = SubscriptionIdQuery.Read(context.Request);
        if (!await serverEvents.PulseAsync(id, context.RequestAborted).ConfigureAwait(false))
        {
            await ErrorResponse.WriteSubscriptionNotFoundAsync(context, id).ConfigureAwait(false);
        }
    }
}
