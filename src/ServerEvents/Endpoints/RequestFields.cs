using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ServerEvents.Endpoints;

/// <summary>
/// The fields of a request, read from a JSON object or form body and then the query string, with names
/// matched case-insensitively (as ServiceStack binds them).
/// </summary>
public sealed class RequestFields
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.OrdinalIgnoreCase);

    private RequestFields()
    {
    }

    /// <summary>The first value of a field, or <see langword="null"/>.</summary>
    public string? Get(string name) => _values.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>
    /// Every value of a field, with comma-joined values split: <c>["a","b"]</c>, <c>"a,b"</c> and repeated
    /// form fields all read the same.
    /// </summary>
    public IReadOnlyList<string> GetList(string name) =>
        _values.TryGetValue(name, out var values)
            ? [.. values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).Where(v => v.Length > 0)]
            : [];

    /// <summary>
    /// Reads the body (JSON or form, at most <paramref name="maxBodySize"/> bytes) and the query string.
    /// </summary>
    /// <exception cref="BadHttpRequestException">The body is malformed (400), too large (413) or of an unsupported type (415).</exception>
    public static async Task<RequestFields> ReadAsync(HttpRequest request, long maxBodySize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fields = new RequestFields();
        if (HasBody(request))
        {
            LimitBody(request, maxBodySize);
            if (request.HasJsonContentType() || IsPlainText(request))
            {
                await fields.ReadJsonAsync(request, cancellationToken).ConfigureAwait(false);
            }
            else if (request.HasFormContentType)
            {
                await fields.ReadFormAsync(request, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw new BadHttpRequestException(
                    $"Content type '{request.ContentType}' is not supported; send JSON or form fields.",
                    StatusCodes.Status415UnsupportedMediaType);
            }
        }

        foreach (var (name, values) in request.Query)
        {
            fields.AddIfAbsent(name, values);
        }

        return fields;
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static bool IsPlainText(HttpRequest request) =>
        request.ContentType?.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) == true;

    private static void LimitBody(HttpRequest request, long maxBodySize)
    {
        if (request.ContentLength > maxBodySize)
        {
            throw TooLarge(maxBodySize);
        }

        // Chunked bodies have no length up front: let the server stop reading at the limit.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBodySize;
        }
    }

    private static BadHttpRequestException TooLarge(long maxBodySize) =>
        new($"The request body is larger than {maxBodySize} bytes.", StatusCodes.Status413PayloadTooLarge);

    private async Task ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new BadHttpRequestException($"The request body is not valid JSON: {ex.Message}", StatusCodes.Status400BadRequest, ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new BadHttpRequestException("The request body must be a JSON object.", StatusCodes.Status400BadRequest);
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                AddJson(property.Name, property.Value);
            }
        }
    }

    private void AddJson(string name, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (item.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                    {
                        throw InvalidField(name);
                    }

                    AddJson(name, item);
                }

                return;
            case JsonValueKind.Object:
                throw InvalidField(name);
            case JsonValueKind.String:
                Values(name).Add(value.GetString()!);
                return;
            default:
                Values(name).Add(value.GetRawText());
                return;
        }
    }

    private static BadHttpRequestException InvalidField(string name) =>
        new($"Field '{name}' must be a string, a number, a boolean or an array of them.", StatusCodes.Status400BadRequest);

    private async Task ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new BadHttpRequestException($"The form body is malformed: {ex.Message}", StatusCodes.Status400BadRequest, ex);
        }

        foreach (var (name, values) in form)
        {
            AddIfAbsent(name, values);
        }
    }

    private void AddIfAbsent(string name, StringValues values)
    {
        if (!_values.ContainsKey(name))
        {
            Values(name).AddRange(values.Where(v => v is not null)!);
        }
    }

    private List<string> Values(string name)
    {
        if (!_values.TryGetValue(name, out var values))
        {
            _values[name] = values = [];
        }

        return values;
    }
}
