namespace ServerEvents.Grains.Storage;

/// <summary>
/// One record a grain reads and writes through the grain storage under a name of its own (a segment, a shard, a
/// page), with the ETag that fences its writes. Never null: a record that does not exist reads as a new
/// <typeparamref name="T"/>.
/// </summary>
/// <typeparam name="T">The stored value.</typeparam>
public sealed class StoredRecord<T> : IGrainState<T>
    where T : new()
{
    private T _state = new();

    /// <summary>The stored value.</summary>
    public T State
    {
        get => _state;
        set => _state = value;
    }

    // The storage may hand back null for a record that does not exist; it reads as a new value instead.
#pragma warning disable CS8769 // The interface's nullability annotation differs; null is handled here.
    /// <inheritdoc />
    T IGrainState<T>.State
    {
        get => _state;
        set => _state = value ?? new T();
    }
#pragma warning restore CS8769

    /// <inheritdoc />
    public string? ETag { get; set; }

    /// <inheritdoc />
    public bool RecordExists { get; set; }
}
