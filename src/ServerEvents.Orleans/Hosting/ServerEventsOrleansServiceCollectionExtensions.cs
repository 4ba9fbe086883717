using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using ServerEvents.Cluster;
using ServerEvents.Diagnostics;
using ServerEvents.Grains.Hosting;
using ServerEvents.History;
using ServerEvents.Hosting;
using ServerEvents.Orleans;
using ServerEvents.Orleans.DataProtection;
using ServerEvents.Orleans.Directory;
using ServerEvents.Orleans.Events;
using ServerEvents.Orleans.History;
using ServerEvents.Orleans.Liveness;
using ServerEvents.Orleans.Sequences;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Orleans cluster tier.</summary>
public static class ServerEventsOrleansServiceCollectionExtensions
{
    /// <summary>
    /// Makes server events use the Orleans cluster for the cluster tier and chat history: joins the cluster as an
    /// Orleans client through Azure Table clustering (<c>ConnectionStrings:AzureStorage</c> or the
    /// <c>AzureStorage</c> service URIs, and <c>Orleans:ClusterId</c>/<c>Orleans:ServiceId</c>), then registers the
    /// tier as <see cref="AddServerEventsOrleansTier"/> does.
    /// </summary>
    public static IServiceCollection AddServerEventsOrleans(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var storage = AzureStorageSettings.FromConfiguration(configuration);
        var cluster = OrleansClusterSettings.FromConfiguration(configuration);
        services.AddOrleansClient(client =>
        {
            client.UseAzureStorageClustering(o => o.TableServiceClient = storage.CreateTableServiceClient());
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            client.AddServerEventsStreams();

            // Grain calls carry the publish's trace context to the silo, when anyone listens.
            client.AddActivityPropagation();
        });

        // One key ring for every front-end, in the same storage account: cookies (sign-in, OAuth correlation) must
        // be readable by whichever front-end the load balancer picks next.
        services.TryAddSingleton(_ => new BlobXmlRepository(storage.CreateBlobServiceClient()));
        services.AddDataProtection().SetApplicationName(OrleansClusterOptions.SectionName);
        services.AddOptions<KeyManagementOptions>()
            .Configure<BlobXmlRepository>((keys, repository) => keys.XmlRepository = repository);
        return services.AddServerEventsOrleansTier(configuration);
    }

    /// <summary>
    /// Registers only the tier (directory, sequences, event log and its listener, chat history, node registration)
    /// over the <see cref="IClusterClient"/> already in the container, binding <see cref="OrleansClusterOptions"/>
    /// from <c>ServerEvents:Cluster:Orleans</c>. The in-process test cluster uses it with its own client.
    /// </summary>
    public static IServiceCollection AddServerEventsOrleansTier(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<OrleansClusterOptions>()
            .Bind(configuration.GetSection(OrleansClusterOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Scope), "ServerEvents:Cluster:Orleans:Scope must not be empty.")
            .Validate(o => o.NodeRenewInterval > TimeSpan.Zero && o.NodeTimeout > o.NodeRenewInterval, "ServerEvents:Cluster:Orleans:NodeTimeout must be longer than NodeRenewInterval, which must be positive.")
            .Validate(o => o.StreamSilenceTimeout > TimeSpan.FromSeconds(1), "ServerEvents:Cluster:Orleans:StreamSilenceTimeout must be longer than the sequencer's 1 s tick.")
            .Validate(o => Enum.IsDefined(o.FanOutTransport), "ServerEvents:Cluster:Orleans:FanOutTransport must be Streams or Observers.")
            .Validate(o => o.FanOutReorderWindow >= TimeSpan.Zero && o.FanOutReorderWindow < o.StreamSilenceTimeout, "ServerEvents:Cluster:Orleans:FanOutReorderWindow must be zero or more and shorter than StreamSilenceTimeout.")
            .Validate(o => o.HealthCheckTimeout > TimeSpan.Zero, "ServerEvents:Cluster:Orleans:HealthCheckTimeout must be positive.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ServerEventsNode>();
        services.AddMetrics();
        services.TryAddSingleton<ServerEventsMetrics>();
        services.TryAddSingleton<LogListener>();
        services.TryAddSingleton<NodeRegistration>();
        services.TryAddSingleton<OrleansSubscriptionDirectory>();
        services.TryAddSingleton<OrleansSequenceStore>();
        services.TryAddSingleton(sp => new OrleansEventBus(
            sp.GetRequiredService<IClusterClient>(),
            sp.GetRequiredService<LogListener>(),
            sp.GetRequiredService<EventLogRetention>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<OrleansClusterOptions>>()));

        // Replace rather than TryAdd, so the tier wins even when AddServerEvents ran first.
        services.Replace(ServiceDescriptor.Singleton<IClusterTier, OrleansClusterTier>());
        services.Replace(ServiceDescriptor.Singleton<IChatHistoryStore, OrleansChatHistoryStore>());

        // The node is registered before the listener starts and the app takes requests.
        services.AddHostedService(sp => sp.GetRequiredService<NodeRegistration>());
        services.AddHostedService(sp => sp.GetRequiredService<LogListener>());
        return services;
    }
}
