using Microsoft.AspNetCore.Http;

namespace ServerEvents.Endpoints;

/// <summary>
/// Reads the <c>id</c> query parameter that the heartbeat and unregister URLs carry (PROTOCOL.md: these take it in
/// the query string for every verb), after checking any body the request has and that the caller may act on it.
/// </summary>
internal static class SubscriptionIdQuery
{
    /// <exception cref="BadHttpRequestException">No id, an id with a control character, or a malformed, oversized or unsupported body.</exception>
    /// <exception cref="UnauthorizedAccessException">The subscription belongs to someone else.</exception>
    public static async Task<string> ReadAsync(HttpContext context, long maxBodySize, SubscriptionAccess access)
    {
        var id = context.Request.Query["id"].FirstOrDefault() is { Length: > 0 } value
            ? value
            : throw new BadHttpRequestException("The 'id' query parameter (the subscription id) is required.", StatusCodes.Status400BadRequest);

        // No id this server issues has one, and a database tier refuses a NUL in text: the whole group commit the
        // write joined would fail with it.
        if (id.Any(char.IsControl))
        {
            throw new BadHttpRequestException("The 'id' query parameter (the subscription id) must not contain control characters.", StatusCodes.Status400BadRequest);
        }

        await RequestFields.EnsureValidBodyAsync(context.Request, maxBodySize, context.RequestAborted).ConfigureAwait(false);
        await access.EnsureCallerMayActAsync(context, id).ConfigureAwait(false);
        return id;
    }
}
