using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using ServerEvents.Hosting;

namespace ServerEvents.Endpoints;

/// <summary><c>/event-heartbeat?id=X</c>, any verb: marks X alive and pushes <c>cmd.onHeartbeat</c> to it.</summary>
internal sealed class HeartbeatEndpoint(IServerEvents serverEvents, SubscriptionAccess access, IOptionsMonitor<ServerEventsOptions> options)
{
    public async Task HandleAsync(HttpContext context)
    {
        var id = await SubscriptionIdQuery.ReadAsync(context, options.CurrentValue.MaxRequestBodySize, access).ConfigureAwait(false);
        if (!await serverEvents.PulseAsync(id, context.RequestAborted).ConfigureAwait(false))
        {
            await ErrorResponse.WriteSubscriptionNotFoundAsync(context, id).ConfigureAwait(false);
        }
    }
}
