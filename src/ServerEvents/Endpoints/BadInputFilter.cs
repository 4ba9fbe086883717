using Microsoft.AspNetCore.Http;

namespace ServerEvents.Endpoints;

/// <summary>
/// Turns bad input into a 4xx answer with a message: malformed or oversized bodies
/// (<see cref="BadHttpRequestException"/>), oversized messages (413) and invalid names (400).
/// </summary>
internal static class BadInputFilter
{
    public static RequestDelegate Wrap(Func<HttpContext, Task> handler) => async context =>
    {
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            await ErrorResponse.WriteAsync(context, ex.StatusCode, ex.Message).ConfigureAwait(false);
        }
        catch (MessageTooLargeException ex) when (!context.Response.HasStarted)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, ex.Message).ConfigureAwait(false);
        }
        catch (ArgumentException ex) when (!context.Response.HasStarted)
        {
            await ErrorResponse.WriteAsync(context, StatusCodes.Status400BadRequest, StripParameterName(ex)).ConfigureAwait(false);
        }
    };

    // ArgumentException appends " (Parameter 'x')", which means nothing to an HTTP caller.
    private static string StripParameterName(ArgumentException ex) =>
        ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal);
}
