using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using ServerEvents.Grains.Events;
using ServerEvents.Grains.Hosting;

namespace ServerEvents.Orleans.Tests;

/// <summary>
/// One in-process Orleans cluster for the whole test run, set up as a real silo is (memory grain storage named as the
/// grains expect, memory streams): starting a cluster takes seconds, so tests share it and each uses its own scope.
/// </summary>
public sealed class OrleansTestCluster : IAsyncLifetime
{
    private const string MemoryStorage = "server-events-memory";

    private readonly Action<FanOutOptions>? _fanOut;

    /// <summary>A cluster with the default fan-out options.</summary>
    public OrleansTestCluster()
        : this(null)
    {
    }

    /// <summary>A cluster whose fan-out options <paramref name="fanOut"/> sets (xunit uses the public constructor only).</summary>
    internal OrleansTestCluster(Action<FanOutOptions>? fanOut) => _fanOut = fanOut;

    /// <summary>The cluster.</summary>
    public InProcessTestCluster Cluster { get; private set; } = null!;

    /// <summary>The grain storage of the (only) silo.</summary>
    public RecordingGrainStorage Storage =>
        (RecordingGrainStorage)Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(OrleansNames.GrainStorage);

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(OrleansNames.PubSubStore);
            // Many storage grains, so the test storage (one grain call per write) is not what limits throughput.
            silo.AddMemoryGrainStorage(MemoryStorage, o => o.NumStorageGrains = 64);
            silo.Services.AddKeyedSingleton<IGrainStorage>(
                OrleansNames.GrainStorage,
                (sp, _) => new RecordingGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(MemoryStorage)));
            silo.AddServerEventsGrains(_fanOut);
            silo.AddStreamFilter<LossyFanOut>(OrleansNames.StreamProvider);
            silo.AddOutgoingGrainCallFilter<LossyFanOut>();
            silo.AddIncomingGrainCallFilter<StalledPubSubFilter>();
        });
        builder.ConfigureClient(client => client.AddServerEventsStreams());
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

/// <summary>The tests that share the cluster.</summary>
[CollectionDefinition(Name)]
public sealed class OrleansClusterCollection : ICollectionFixture<OrleansTestCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Orleans cluster";
}
