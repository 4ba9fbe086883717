using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerEvents.Endpoints;
using ServerEvents.Hosting;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the server events endpoints.</summary>
public static class ServerEventsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every endpoint whose path in <see cref="ServerEventsOptions.Paths"/> is set; returns the group so
    /// conventions (authorization, CORS, rate limiting) can be applied to all of them at once.
    /// </summary>
    public static RouteGroupBuilder MapServerEvents(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var services = endpoints.ServiceProvider;
        var paths = services.GetRequiredService<IOptions<ServerEventsOptions>>().Value.Paths;
        var group = endpoints.MapGroup(string.Empty);

        // The stream answers its own bad input: a wrapper's frame would stay on every held stream.
        MapIfSet(paths.Stream, path => group.MapGet(path, services.GetRequiredService<EventStreamEndpoint>().HandleAsync));
        MapIfSet(paths.Heartbeat, path => group.Map(path, Handler<HeartbeatEndpoint>(services, e => e.HandleAsync)));
        MapIfSet(paths.Unregister, path => group.Map(path, Handler<UnregisterEndpoint>(services, e => e.HandleAsync)));

        var listSubscribers = Handler<SubscribersEndpoint>(services, e => e.HandleAsync);
        var updateSubscriber = Handler<UpdateSubscriberEndpoint>(services, e => e.HandleAsync);
        MapIfSet(paths.Subscribers, path => group.MapGet(path, listSubscribers));
        MapIfSet(paths.Subscribers, path => group.MapPost(path.TrimEnd('/') + "/{id}", updateSubscriber));
        MapIfSet(paths.ApiGetEventSubscribers, path => group.MapGet(path, listSubscribers));
        MapIfSet(paths.JsonReplyGetEventSubscribers, path => group.MapGet(path, listSubscribers));
        MapIfSet(paths.ApiUpdateEventSubscriber, path => group.MapPost(path, updateSubscriber));
        MapIfSet(paths.JsonReplyUpdateEventSubscriber, path => group.MapPost(path, updateSubscriber));

        MapIfSet(paths.ClientScript, path => group.MapGet(path, Handler<ClientScriptEndpoint>(services, e => e.HandleAsync)));
        return group;
    }

    private static RequestDelegate Handler<TEndpoint>(IServiceProvider services, Func<TEndpoint, Func<HttpContext, Task>> select)
        where TEndpoint : notnull =>
        BadInputFilter.Wrap(select(services.GetRequiredService<TEndpoint>()));

    private static void MapIfSet(string? path, Action<string> map)
    {
        if (!string.IsNullOrEmpty(path))
        {
            map(path);
        }
    }
}
