using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServerEvents.Cluster;
using ServerEvents.Hosting;
using ServerEvents.History;
using ServerEvents.Orleans.Events;

namespace ServerEvents.Orleans.Tests;

/// <summary>
/// One front-end's tier on the test cluster, registered with <c>AddServerEventsOrleansTier</c> as an app would, and
/// its hosted services (node registration, log listener) started.
/// </summary>
public sealed class OrleansTierNode : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;

    private OrleansTierNode(ServiceProvider services, IHostedService[] hosted)
    {
        _services = services;
        _hosted = hosted;
    }

    /// <summary>The node's services.</summary>
    public IServiceProvider Services => _services;

    /// <summary>The tier.</summary>
    public IClusterTier Tier => _services.GetRequiredService<IClusterTier>();

    /// <summary>The chat history store.</summary>
    public IChatHistoryStore History => _services.GetRequiredService<IChatHistoryStore>();

    /// <summary>This node's end of the fan-out.</summary>
    public LogListener Listener => _services.GetRequiredService<LogListener>();

    /// <summary>This node's id.</summary>
    public string NodeId => _services.GetRequiredService<ServerEventsNode>().Id;

    /// <summary>Starts a node of the tier of <paramref name="scope"/>.</summary>
    public static async Task<OrleansTierNode> StartAsync(
        OrleansTestCluster cluster,
        string scope,
        EventLogRetention? retention = null,
        TimeProvider? time = null,
        IDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ServerEvents:Cluster:Orleans:Scope"] = scope })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddOptions<ServerEventsOptions>().Bind(configuration.GetSection("ServerEvents"));
        services.AddSingleton(cluster.Cluster.Client);
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddSingleton(retention ?? new EventLogRetention(10_000, TimeSpan.FromMinutes(5)));
        services.AddServerEventsOrleansTier(configuration);
        var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        return new OrleansTierNode(provider, hosted);
    }

    /// <summary>A scope no other test uses.</summary>
    public static string NewScope() => "test-" + Guid.NewGuid().ToString("N")[..12];

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var service in _hosted.Reverse())
        {
            await service.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
    }
}
