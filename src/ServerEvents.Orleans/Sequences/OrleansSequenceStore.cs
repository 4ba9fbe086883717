using Microsoft.Extensions.Options;
using ServerEvents.Cluster;
using ServerEvents.Grains.Sequences;

namespace ServerEvents.Orleans.Sequences;

/// <summary>
/// Named sequences, one grain each; a reservation is one grain call and at most one write. The value a key was given
/// is a grain of its own per key (<see cref="ISequenceKeyGrain"/>).
/// </summary>
public sealed class OrleansSequenceStore : ISequenceStore
{
    private readonly IClusterClient _client;
    private readonly string _scope;

    /// <summary>Creates the store.</summary>
    public OrleansSequenceStore(IClusterClient client, IOptions<OrleansClusterOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _scope = options.Value.Scope;
    }

    /// <inheritdoc />
    public ValueTask<long> ReserveAsync(string name, int count, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return ClusterCall.RunAsync(_client.GetGrain<ISequenceGrain>(SequenceKey(name)).ReserveAsync(count), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<long> GetOrReserveAsync(string name, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var sequence = SequenceKey(name);
        return ClusterCall.RunAsync(_client.GetGrain<ISequenceKeyGrain>($"{sequence}/{key}").GetOrReserveAsync(sequence), cancellationToken);
    }

    private string SequenceKey(string name) => $"{_scope}/{name}";
}
