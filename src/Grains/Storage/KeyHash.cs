namespace ServerEvents.Grains.Storage;

/// <summary>
/// A string hash that is the same in every process and every run (FNV-1a over UTF-16 code units), unlike
/// <see cref="string.GetHashCode()"/>: shard and partition numbers are stored, so they must never change.
/// </summary>
public static class KeyHash
{
    /// <summary>Hashes <paramref name="value"/>.</summary>
    public static uint Of(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var hash = 2166136261u;
        foreach (var c in value)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
