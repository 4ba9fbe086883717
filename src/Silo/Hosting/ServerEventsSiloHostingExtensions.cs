using System.Net;
using Orleans.Configuration;
using ServerEvents.Grains.Hosting;

namespace ServerEvents.Silo.Hosting;

/// <summary>Hosts the server-events Orleans silo in an ASP.NET Core application.</summary>
public static class ServerEventsSiloHostingExtensions
{
    /// <summary>The section whose keys tune failure detection (<see cref="ClusterMembershipOptions"/>).</summary>
    public const string MembershipSectionName = "Orleans:Membership";

    /// <summary>The section whose keys tune grain calls between silos (<see cref="SiloMessagingOptions"/>).</summary>
    public const string MessagingSectionName = "Orleans:Messaging";

    /// <summary>
    /// Runs a silo configured from <paramref name="builder"/>'s configuration: cluster identity and ports from
    /// <c>Orleans</c> (<see cref="OrleansClusterSettings"/>), membership in Azure Table storage and grain state in
    /// Azure Blob storage of one account (<see cref="AzureStorageSettings"/>), and the server-events grains.
    /// </summary>
    public static WebApplicationBuilder UseServerEventsSilo(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = OrleansClusterSettings.FromConfiguration(builder.Configuration);
        var storage = AzureStorageSettings.FromConfiguration(builder.Configuration);

        // One client of each service for the whole process: membership, grain storage and the readiness probe.
        var tables = storage.CreateTableServiceClient();
        var blobs = storage.CreateBlobServiceClient();
        builder.Services.AddSingleton(tables);
        builder.Services.AddSingleton(blobs);
        builder.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration(MembershipSectionName);
        builder.Services.AddOptions<SiloMessagingOptions>().BindConfiguration(MessagingSectionName);

        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(options =>
            {
                options.ClusterId = cluster.ClusterId;
                options.ServiceId = cluster.ServiceId;
            });
            ConfigureEndpoints(silo, cluster);
            silo.UseAzureStorageClustering(options => options.TableServiceClient = tables);
            var container = GrainStateContainer.For(cluster.ServiceId);
            foreach (var name in new[] { OrleansNames.GrainStorage, OrleansNames.PubSubStore })
            {
                silo.AddAzureBlobGrainStorage(name, options =>
                {
                    options.BlobServiceClient = blobs;
                    options.ContainerName = container;
                });
            }

            silo.AddServerEventsGrains(fanOut =>
            {
                fanOut.PollPeriod = cluster.FanOutPollPeriod;
                fanOut.ObserverCallSpacing = cluster.ObserverCallSpacing;
                fanOut.ObserverCallItems = cluster.ObserverCallItems;
            });

            // Grain calls continue the caller's trace (a front-end's publish), when anyone listens.
            silo.AddActivityPropagation();
        });
        return builder;
    }

    // A loopback advertised address means several silos on one machine (127.0.0.1 with their own ports): each listens
    // on it only, so none binds another's endpoints. Any other advertised address may not be on the host at all (in
    // Azure Container Apps it is the environment's static IP, which the ingress forwards to the container), so the
    // silo listens on every address. Without one, Orleans advertises the host's first non-loopback address.
    private static void ConfigureEndpoints(ISiloBuilder silo, OrleansClusterSettings cluster)
    {
        if (string.IsNullOrWhiteSpace(cluster.AdvertisedIPAddress))
        {
            silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
            return;
        }

        if (!IPAddress.TryParse(cluster.AdvertisedIPAddress, out var address))
        {
            throw new InvalidOperationException(
                $"{OrleansClusterSettings.SectionName}:{nameof(OrleansClusterSettings.AdvertisedIPAddress)} must be an IP address; it is '{cluster.AdvertisedIPAddress}'.");
        }

        silo.ConfigureEndpoints(address, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: !IPAddress.IsLoopback(address));
    }
}
