using Microsoft.Extensions.DependencyInjection;
using Orleans.Concurrency;
using Orleans.Storage;
using ServerEvents.Grains.Hosting;
using ServerEvents.Grains.Storage;

namespace ServerEvents.Grains.Health;

/// <summary>A stateless worker, so every silo answers for itself and no single activation is a bottleneck.</summary>
[StatelessWorker]
public sealed class StorageProbeGrain : Grain, IStorageProbeGrain
{
    /// <inheritdoc />
    public Task CheckAsync() =>
        ServiceProvider.GetRequiredKeyedService<IGrainStorage>(OrleansNames.GrainStorage)
            .ReadStateAsync("probe", this.GetGrainId(), new StoredRecord<ProbeRecord>());
}
