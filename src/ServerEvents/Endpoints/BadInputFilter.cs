using Microsoft.AspNetCore.Http;

namespace ServerEvents.Endpoints;

/// <summary>
/// Turns bad input into a 4xx answer with a message instead of a 500: malformed or oversized bodies
/// (<see cref="BadHttpRequestException"/>), oversized messages (413), invalid names or selectors (400) and acting on
/// someone else's subscription (<see cref="UnauthorizedAccessException"/>, 403); a cluster tier too busy to take a
/// publish (<see cref="ClusterBusyException"/>) is a 503.
/// Add it to minimal-API endpoints with <c>.AddEndpointFilter&lt;BadInputFilter&gt;()</c>.
/// </summary>
public sealed class BadInputFilter : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Describe(ex) is { } error && !context.HttpContext.Response.HasStarted)
        {
            await ErrorResponse.WriteAsync(context.HttpContext, error.StatusCode, error.Message).ConfigureAwait(false);
            return Results.Empty;
        }
    }

    internal static RequestDelegate Wrap(Func<HttpContext, Task> handler) => async context =>
    {
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (Exception ex) when (Describe(ex) is { } error && !context.Response.HasStarted)
        {
            await ErrorResponse.WriteAsync(context, error.StatusCode, error.Message).ConfigureAwait(false);
        }
    };

    internal static (int StatusCode, string Message)? Describe(Exception exception) => exception switch
    {
        BadHttpRequestException bad => (bad.StatusCode, bad.Message),
        MessageTooLargeException tooLarge => (StatusCodes.Status413PayloadTooLarge, tooLarge.Message),
        ArgumentException argument => (StatusCodes.Status400BadRequest, WithoutParameterName(argument)),
        UnauthorizedAccessException denied => (StatusCodes.Status403Forbidden, denied.Message),
        ClusterBusyException busy => (StatusCodes.Status503ServiceUnavailable, busy.Message),
        _ => null,
    };

    // ArgumentException appends " (Parameter 'x')", which means nothing to an HTTP caller.
    private static string WithoutParameterName(ArgumentException ex) =>
        ex.ParamName is null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty, StringComparison.Ordinal);
}
