using Orleans.Storage;

namespace ServerEvents.Grains.Storage;

/// <summary>
/// A dictionary a grain keeps in several storage records (shards) of its own, so that changing one key rewrites one
/// shard, not the whole map: 10,000 subscriptions in 8 partitions of 32 shards are about 40 per record. Each shard has
/// its own ETag, so a second activation's write fails rather than overwriting. Concurrent changes share one round of
/// writes (<see cref="WriteCoalescer"/>) that writes only the shards changed since the last round, and every key added
/// in one round goes into the same shard (the smallest when the round began, until it holds twice its share), so a burst of joins costs one write per
/// round, not one per join; a key stays in its shard until removed. Where a key lives is read back from the shards on
/// load, so the placement is free to change.
/// </summary>
/// <typeparam name="TValue">The value kept per key.</typeparam>
public sealed class ShardedMap<TValue>
{
    // Below this, a shard takes a whole round of additions however small the map is.
    private const int MinimumShare = 16;

    private readonly IGrainStorage _storage;
    private readonly GrainId _grainId;
    private readonly string _stateName;
    private readonly StoredRecord<Dictionary<string, TValue>>[] _shards;
    private readonly Dictionary<string, int> _shardOf = new(StringComparer.Ordinal);
    private readonly HashSet<int> _dirty = [];
    private readonly WriteCoalescer _writer;
    private int _insertShard = -1;

    /// <summary>Creates the map; call <see cref="LoadAsync"/> before use.</summary>
    /// <param name="storage">The grain storage.</param>
    /// <param name="grainId">The grain the records belong to.</param>
    /// <param name="stateName">The records' name; shard <c>n</c> is <c>{stateName}-{n}</c>.</param>
    /// <param name="shardCount">How many records; stored data depends on it, so it never shrinks for a grain type.</param>
    /// <param name="onFailure">Called when a write fails (the grain deactivates).</param>
    public ShardedMap(IGrainStorage storage, GrainId grainId, string stateName, int shardCount, Action onFailure)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shardCount);
        _storage = storage;
        _grainId = grainId;
        _stateName = stateName;
        _shards = new StoredRecord<Dictionary<string, TValue>>[shardCount];
        _writer = new WriteCoalescer(WriteDirtyAsync, onFailure);
    }

    /// <summary>How many keys the map holds.</summary>
    public int Count => _shardOf.Count;

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
        for (var i = 0; i < _shards.Length; i++)
        {
            foreach (var key in _shards[i].State.Keys)
            {
                _shardOf[key] = i;
            }
        }
    }

    /// <summary>Looks up a key.</summary>
    public bool TryGetValue(string key, out TValue value)
    {
        if (_shardOf.TryGetValue(key, out var shard))
        {
            return _shards[shard].State.TryGetValue(key, out value!);
        }

        value = default!;
        return false;
    }

    /// <summary>Adds or replaces a key; <see cref="SaveAsync"/> makes it durable.</summary>
    public void Set(string key, TValue value)
    {
        if (!_shardOf.TryGetValue(key, out var shard))
        {
            // A large round moves on to another shard, so no record grows far past its share.
            if (_insertShard < 0 || _shards[_insertShard].State.Count >= Math.Max(MinimumShare, 2 * Count / _shards.Length))
            {
                _insertShard = Smallest();
            }

            shard = _insertShard;
            _shardOf[key] = shard;
        }

        _shards[shard].State[key] = value;
        _dirty.Add(shard);
    }

    /// <summary>Removes a key; <see cref="SaveAsync"/> makes it durable.</summary>
    public bool Remove(string key, out TValue value)
    {
        if (!_shardOf.Remove(key, out var shard))
        {
            value = default!;
            return false;
        }

        _shards[shard].State.Remove(key, out value!);
        _dirty.Add(shard);
        return true;
    }

    /// <summary>Writes the shards changed so far, sharing the write with concurrent callers.</summary>
    public Task SaveAsync() => _writer.WriteAsync();

    private async Task WriteDirtyAsync()
    {
        // The next round's additions pick a shard of their own: this one may be large by now.
        _insertShard = -1;
        if (_dirty.Count == 0)
        {
            return;
        }

        var dirty = _dirty.ToArray();
        _dirty.Clear();
        await Task.WhenAll(dirty.Select(i => _storage.WriteStateAsync(ShardName(i), _grainId, _shards[i])));
    }

    private int Smallest()
    {
        var smallest = 0;
        for (var i = 1; i < _shards.Length; i++)
        {
            if (_shards[i].State.Count < _shards[smallest].State.Count)
            {
                smallest = i;
            }
        }

        return smallest;
    }

    private string ShardName(int shard) => _shards.Length == 1 ? _stateName : $"{_stateName}-{shard}";
}
