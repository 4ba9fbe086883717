using System.Text.Json;

namespace ServerEvents.Testing;

/// <summary>One received SSE frame, split as the clients split it: <c>[channel@]selector body</c>.</summary>
/// <param name="Id">The <c>id</c> field.</param>
/// <param name="Data">The <c>data</c> field.</param>
public sealed record ServerEventFrame(string Id, string Data)
{
    /// <summary>The id as a number.</summary>
    public long EventId => long.Parse(Id, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The full selector, including any channel prefix.</summary>
    public string FullSelector => Data[..Data.IndexOf(' ', StringComparison.Ordinal)];

    /// <summary>The channel prefix, or <see langword="null"/>.</summary>
    public string? Channel => FullSelector.Contains('@', StringComparison.Ordinal) ? FullSelector[..FullSelector.IndexOf('@', StringComparison.Ordinal)] : null;

    /// <summary>The selector without the channel prefix.</summary>
    public string Selector => Channel is null ? FullSelector : FullSelector[(Channel.Length + 1)..];

    /// <summary>The body text after the first space (empty for a null message).</summary>
    public string Body => Data[(Data.IndexOf(' ', StringComparison.Ordinal) + 1)..];

    /// <summary>The body parsed as JSON.</summary>
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    /// <summary>The body as a string dictionary (onConnect, onJoin and the other notices).</summary>
    public Dictionary<string, string> Info => JsonSerializer.Deserialize<Dictionary<string, string>>(Body)!;
}
