namespace ServerEvents.Client;

/// <summary>
/// The channels a client is in: what every (re)connect asks for. It changes only after the server accepted a
/// change, so a reconnect never asks for channels the server refused.
/// </summary>
internal sealed class ChannelList(IEnumerable<string> initial)
{
    private readonly Lock _lock = new();
    private string[] _names = Validate(initial);

    public IReadOnlyList<string> Names => Volatile.Read(ref _names);

    /// <summary><c>?channels=a,b</c>, or nothing, which gets the server's default channel.</summary>
    public string ToQuery()
    {
        var names = Volatile.Read(ref _names);
        return names.Length == 0 ? string.Empty : "?channels=" + string.Join(',', names.Select(Uri.EscapeDataString));
    }

    /// <summary>Leaves, then joins, in the server's order; returns the new list.</summary>
    public string[] Apply(string[] unsubscribe, string[] subscribe)
    {
        lock (_lock)
        {
            string[] names = [.. _names.Except(unsubscribe, StringComparer.Ordinal).Union(subscribe, StringComparer.Ordinal)];
            Volatile.Write(ref _names, names);
            return names;
        }
    }

    public static string[] Validate(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        string[] distinct = [.. names.Distinct(StringComparer.Ordinal)];
        if (distinct.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Channel names must not be empty.", nameof(names));
        }

        return distinct;
    }
}
