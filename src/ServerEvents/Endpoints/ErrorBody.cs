using System.Text.Json;
using System.Text.Json.Serialization;

namespace ServerEvents.Endpoints;

/// <summary>The body of an error response.</summary>
/// <param name="ResponseStatus">What went wrong.</param>
public sealed record ErrorBody(ResponseStatus ResponseStatus);

/// <summary>ServiceStack's description of an error.</summary>
/// <param name="ErrorCode">A short code, e.g. <c>NotFound</c>.</param>
/// <param name="Message">A sentence for people.</param>
public sealed record ResponseStatus(string ErrorCode, string Message);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class ErrorBodyJsonContext : JsonSerializerContext;
