using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ServerEvents.Protocol;

/// <summary>
/// Where a reconnecting client resumes: the last SSE id it saw and, when it has one, the epoch of the log that issued
/// it (the <c>epoch</c> of its <c>cmd.onConnect</c>). The id stays a plain number on the wire, because ServiceStack's
/// C# client parses it as one; the epoch travels beside it. A cursor without an epoch (ServiceStack's clients, a
/// native <c>EventSource</c>) is taken by position alone.
/// </summary>
/// <param name="After">The last id the client saw.</param>
/// <param name="Epoch">The epoch of the log that issued <paramref name="After"/>, or <see langword="null"/> when the client sent none.</param>
internal sealed record ResumeCursor(long After, string? Epoch)
{
    /// <summary>The header that carries the last id (set by <c>EventSource</c> on its own reconnects).</summary>
    public const string LastEventIdHeader = "Last-Event-ID";

    /// <summary>The query parameter that carries the last id, for clients that cannot set headers.</summary>
    public const string LastEventIdQuery = "lastEventId";

    /// <summary>The header that carries the epoch.</summary>
    public const string EpochHeader = "Last-Event-Epoch";

    /// <summary>The query parameter that carries the epoch, for clients that cannot set headers.</summary>
    public const string EpochQuery = "epoch";

    /// <summary>The longest epoch accepted; every tier's epochs are far shorter.</summary>
    public const int MaxEpochLength = 64;

    // Every tier writes its epoch in these characters (base64url, decimal, UUID text), so anything else is not one.
    private static readonly SearchValues<char> EpochCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    /// <summary>
    /// Reads the cursor of <paramref name="request"/>: <see langword="true"/> with a null <paramref name="cursor"/> when
    /// the request does not resume, <see langword="false"/> with an <paramref name="error"/> for a malformed one.
    /// </summary>
    public static bool TryRead(HttpRequest request, out ResumeCursor? cursor, [NotNullWhen(false)] out string? error)
    {
        cursor = null;
        error = null;
        var lastEventId = request.Headers[LastEventIdHeader].FirstOrDefault() ?? request.Query[LastEventIdQuery].FirstOrDefault();
        if (string.IsNullOrEmpty(lastEventId))
        {
            return true;
        }

        if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var after))
        {
            error = $"Last-Event-ID '{lastEventId}' is not a non-negative integer.";
            return false;
        }

        var epoch = request.Headers[EpochHeader].FirstOrDefault() ?? request.Query[EpochQuery].FirstOrDefault();
        if (string.IsNullOrEmpty(epoch))
        {
            epoch = null;
        }
        else if (epoch.Length > MaxEpochLength || epoch.AsSpan().ContainsAnyExcept(EpochCharacters))
        {
            error = $"Epoch '{Truncate(epoch)}' is not an epoch this server issued: at most {MaxEpochLength} letters, digits, '-' or '_'.";
            return false;
        }

        cursor = new ResumeCursor(after, epoch);
        return true;
    }

    private static string Truncate(string value) => value.Length <= MaxEpochLength ? value : value[..MaxEpochLength] + "…";
}
