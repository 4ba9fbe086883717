using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using ServerEvents;
using ServerEvents.Authorization;
using ServerEvents.Cluster;
using ServerEvents.Cluster.Embedded;
using ServerEvents.Delivery;
using ServerEvents.Diagnostics;
using ServerEvents.Endpoints;
using ServerEvents.Expiry;
using ServerEvents.History;
using ServerEvents.History.Embedded;
using ServerEvents.Hosting;
using ServerEvents.Subscriptions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the server events feature.</summary>
public static class ServerEventsServiceCollectionExtensions
{
    /// <summary>
    /// Adds server events with the embedded cluster tier (unless another <see cref="IClusterTier"/> is registered),
    /// binding <see cref="ServerEventsOptions"/> from the <c>ServerEvents</c> configuration section and then
    /// applying <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddServerEvents(this IServiceCollection services, Action<ServerEventsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<ServerEventsOptions>().BindConfiguration(ServerEventsOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.IdleTimeout > o.HeartbeatInterval, "ServerEvents:IdleTimeout must be longer than ServerEvents:HeartbeatInterval.")
            .Validate(o => o.ConnectionQueueCapacity > 0 && o.MaxMessageSize > 0 && o.MaxRequestBodySize > 0, "ServerEvents queue and size limits must be positive.")
            .Validate(o => o.MaxChannelsPerConnection > 0 && o.MaxChannelNameLength > 0, "ServerEvents channel limits must be positive.")
            .Validate(o => o.ReplayRetentionCount >= 0 && o.ExpirySweepInterval > TimeSpan.Zero, "ServerEvents retention and sweep settings must be positive.")
            .Validate(o => o.MaxConnections is null or > 0, "ServerEvents:MaxConnections must be positive when set.")
            .Validate(
                o => o.MaxConcurrentReplays > 0 && o.ReplayWaitTimeout >= TimeSpan.Zero && o.ReplayStallTimeout > TimeSpan.Zero,
                "ServerEvents:MaxConcurrentReplays and ServerEvents:ReplayStallTimeout must be positive and ServerEvents:ReplayWaitTimeout not negative.")
            .Validate(o => o.ReplayRetentionBytes > 0 && o.MaxNoticeChannelsLength > 0, "ServerEvents:ReplayRetentionBytes and ServerEvents:MaxNoticeChannelsLength must be positive.")
            .ValidateOnStart();

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServerEventsNode>();
        services.TryAddSingleton<ServerEventsMetrics>();
        services.TryAddSingleton<SubscriptionRegistry>();
        services.TryAddSingleton<StreamAdmission>();
        services.TryAddSingleton<ReplayAdmission>();
        services.TryAddSingleton<ReplayWriter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<KestrelServerOptions>, KestrelConnectionLimitSetup>());
        services.TryAddSingleton<LocalEventDispatcher>();
        services.TryAddSingleton(sp => new AnonymousUserNumbers(sp.GetRequiredService<IClusterTier>().Sequences));
        services.TryAddSingleton(sp => new AnonymousSessionNumbers(sp.GetRequiredService<IClusterTier>().Sequences));
        services.TryAddSingleton<SubscriberIdentityResolver>();
        services.TryAddSingleton(sp =>
        {
            var current = sp.GetRequiredService<IOptions<ServerEventsOptions>>().Value;
            return new EventLogRetention(current.ReplayRetentionCount, current.ReplayRetentionAge) { MaxBytes = current.ReplayRetentionBytes };
        });

        services.TryAddSingleton<InMemorySubscriptionDirectory>();
        // Sequences start from the clock so ids (chat messages) never go down across a restart; anonymous user
        // numbers are names people read, not an order, so they count from 1.
        services.TryAddSingleton(sp =>
        {
            var time = sp.GetRequiredService<TimeProvider>();
            return new InMemorySequenceStore(name => name == AnonymousUserNumbers.Sequence ? 0 : ClockSeed.Now(time));
        });
        services.TryAddSingleton<InMemoryEventBus>();
        services.TryAddSingleton<IClusterTier, EmbeddedClusterTier>();
        services.TryAddSingleton<IChatHistoryStore, InMemoryChatHistoryStore>();

        services.TryAddSingleton<ServerEventsService>();
        services.TryAddSingleton<IServerEvents>(sp => sp.GetRequiredService<ServerEventsService>());

        services.TryAddSingleton<ChannelAuthorizer>();
        services.TryAddSingleton<SubscriptionAccess>();
        services.TryAddSingleton<EventStreamEndpoint>();
        services.TryAddSingleton<HeartbeatEndpoint>();
        services.TryAddSingleton<UnregisterEndpoint>();
        services.TryAddSingleton<SubscribersEndpoint>();
        services.TryAddSingleton<UpdateSubscriberEndpoint>();
        services.TryAddSingleton<ClientScriptEndpoint>();

        services.AddHostedService<FanOutAttachment>();
        services.AddHostedService<StreamShutdown>();
        services.AddHostedService<IdleSubscriptionSweeper>();
        services.AddHealthChecks().AddCheck<ClusterTierHealthCheck>("server-events-cluster", tags: ["ready"]);
        return services;
    }
}
