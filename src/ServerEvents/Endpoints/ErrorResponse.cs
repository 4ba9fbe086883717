using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace ServerEvents.Endpoints;

/// <summary>
/// Writes an error in ServiceStack's <c>ResponseStatus</c> shape, which the ServiceStack clients read:
/// <c>{"responseStatus":{"errorCode":"NotFound","message":"…"}}</c>.
/// </summary>
public static class ErrorResponse
{
    /// <summary>
    /// Writes the error with its status code. A 503 always says when to retry: one second unless the caller set
    /// <c>Retry-After</c> already, so a client backs off briefly instead of treating the refusal as final.
    /// </summary>
    public static Task WriteAsync(HttpContext context, int statusCode, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = statusCode;
        if (statusCode == StatusCodes.Status503ServiceUnavailable && !context.Response.Headers.ContainsKey(HeaderNames.RetryAfter))
        {
            context.Response.Headers.RetryAfter = "1";
        }

        var errorCode = ReasonPhrases.GetReasonPhrase(statusCode).Replace(" ", string.Empty, StringComparison.Ordinal);
        return context.Response.WriteAsJsonAsync(
            new ErrorBody(new ResponseStatus(errorCode, message)),
            ErrorBodyJsonContext.Default.ErrorBody,
            cancellationToken: context.RequestAborted);
    }

    /// <summary>Writes the 404 for an unknown subscription id, worded as ServiceStack words it.</summary>
    public static Task WriteSubscriptionNotFoundAsync(HttpContext context, string subscriptionId) =>
        WriteAsync(context, StatusCodes.Status404NotFound, $"Subscription '{subscriptionId}' does not exist");
}
