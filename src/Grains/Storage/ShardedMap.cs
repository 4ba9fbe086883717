using Orleans.Storage;

namespace ServerEvents.Grains.Storage;

/// <summary>
/// A dictionary a grain keeps in several storage records (shards) of its own, so that changing one key rewrites one
/// shard, not the whole map: a channel with 10,000 members and 16 shards writes about 625 entries per join. Each
/// shard has its own ETag, so a second activation's write fails rather than overwriting. Concurrent changes share one
/// round of writes (<see cref="WriteCoalescer"/>) that writes only the shards changed since the last round.
/// </summary>
/// <typeparam name="TValue">The value kept per key.</typeparam>
public sealed class ShardedMap<TValue>
{
    private readonly IGrainStorage _storage;
    private readonly GrainId _grainId;
    private readonly string _stateName;
    private readonly StoredRecord<Dictionary<string, TValue>>[] _shards;
    private readonly HashSet<int> _dirty = [];
    private readonly WriteCoalescer _writer;

    /// <summary>Creates the map; call <see cref="LoadAsync"/> before use.</summary>
    public ShardedMap(IGrainStorage storage, GrainId grainId, string stateName, int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shardCount);
        _storage = storage;
        _grainId = grainId;
        _stateName = stateName;
        _shards = new StoredRecord<Dictionary<string, TValue>>[shardCount];
        _writer = new WriteCoalescer(WriteDirtyAsync);
    }

    /// <summary>How many keys the map holds.</summary>
    public int Count { get; private set; }

    /// <summary>Every entry.</summary>
    public IEnumerable<KeyValuePair<string, TValue>> Entries => _shards.SelectMany(s => s.State);

    /// <summary>Reads every shard.</summary>
    public async Task LoadAsync()
    {
        await Task.WhenAll(Enumerable.Range(0, _shards.Length).Select(async i =>
        {
            var shard = new StoredRecord<Dictionary<string, TValue>> { State = new(StringComparer.Ordinal) };
            await _storage.ReadStateAsync(ShardName(i), _grainId, shard);
            _shards[i] = shard;
        }));
        Count = _shards.Sum(s => s.State.Count);
    }

    /// <summary>Looks up a key.</summary>
    public bool TryGetValue(string key, out TValue value) => _shards[ShardOf(key)].State.TryGetValue(key, out value!);

    /// <summary>Adds or replaces a key; <see cref="SaveAsync"/> makes it durable.</summary>
    public void Set(string key, TValue value)
    {
        var shard = ShardOf(key);
        if (_shards[shard].State.TryAdd(key, value))
        {
            Count++;
        }
        else
        {
            _shards[shard].State[key] = value;
        }

        _dirty.Add(shard);
    }

    /// <summary>Removes a key; <see cref="SaveAsync"/> makes it durable.</summary>
    public bool Remove(string key, out TValue value)
    {
        var shard = ShardOf(key);
        if (!_shards[shard].State.Remove(key, out value!))
        {
            return false;
        }

        Count--;
        _dirty.Add(shard);
        return true;
    }

    /// <summary>Writes the shards changed so far, sharing the write with concurrent callers.</summary>
    public Task SaveAsync() => _writer.WriteAsync();

    private async Task WriteDirtyAsync()
    {
        if (_dirty.Count == 0)
        {
            return;
        }

        var dirty = _dirty.ToArray();
        _dirty.Clear();
        try
        {
            await Task.WhenAll(dirty.Select(i => _storage.WriteStateAsync(ShardName(i), _grainId, _shards[i])));
        }
        catch
        {
            // Left dirty, so the next round tries again; the grain deactivates on a fenced (ETag) failure anyway.
            _dirty.UnionWith(dirty);
            throw;
        }
    }

    private int ShardOf(string key) => (int)(KeyHash.Of(key) % (uint)_shards.Length);

    private string ShardName(int shard) => _shards.Length == 1 ? _stateName : $"{_stateName}-{shard}";
}
