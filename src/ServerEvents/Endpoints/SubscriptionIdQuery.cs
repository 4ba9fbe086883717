using Microsoft.AspNetCore.Http;

namespace ServerEvents.Endpoints;

/// <summary>Reads the <c>id</c> query parameter that the heartbeat and unregister URLs carry.</summary>
internal static class SubscriptionIdQuery
{
    public static string Read(HttpRequest request) =>
        request.Query["id"].FirstOrDefault() is { Length: > 0 } id
            ? id
            : throw new BadHttpRequestException("The 'id' query parameter (the subscription id) is required.", StatusCodes.Status400BadRequest);
}
