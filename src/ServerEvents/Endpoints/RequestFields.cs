using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace ServerEvents.Endpoints;

/// <summary>
/// The fields of a request, with names matched case-insensitively (as ServiceStack binds them): from a JSON object
/// or form body, or, for a GET, from the query string. A POST's fields are never read from its query string, so a
/// link or a cross-site form cannot supply them.
/// </summary>
public sealed class RequestFields
{
    // The fields are flat (strings, numbers, booleans or arrays of them): anything deeper is refused early.
    private static readonly JsonDocumentOptions JsonOptions = new() { MaxDepth = 8, AllowDuplicateProperties = false };

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
    /// Reads the body (a JSON object or form fields, at most <paramref name="maxBodySize"/> bytes) and, for GET and
    /// HEAD requests only, the query string.
    /// </summary>
    /// <exception cref="BadHttpRequestException">
    /// The body is malformed (400), too large (413) or of an unsupported type, <c>text/plain</c> included (415).
    /// </exception>
    public static async Task<RequestFields> ReadAsync(HttpRequest request, long maxBodySize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var fields = new RequestFields();
        await fields.ReadBodyAsync(request, maxBodySize, cancellationToken).ConfigureAwait(false);
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        {
            foreach (var (name, values) in request.Query)
            {
                fields.AddIfAbsent(name, values);
            }
        }

        return fields;
    }

    /// <summary>
    /// Checks a body that an endpoint does not use (its input is in the URL): a body that is there must still be
    /// well-formed JSON or form fields within <paramref name="maxBodySize"/>, as for every other endpoint.
    /// </summary>
    /// <exception cref="BadHttpRequestException">As for <see cref="ReadAsync"/>.</exception>
    public static Task EnsureValidBodyAsync(HttpRequest request, long maxBodySize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HasBody(request) ? new RequestFields().ReadBodyAsync(request, maxBodySize, cancellationToken) : Task.CompletedTask;
    }

    private async Task ReadBodyAsync(HttpRequest request, long maxBodySize, CancellationToken cancellationToken)
    {
        if (!HasBody(request))
        {
            return;
        }

        LimitBody(request, maxBodySize);

        // text/plain is not JSON: it is the one body type a cross-site form or a no-CORS fetch can send.
        if (request.HasJsonContentType())
        {
            await ReadJsonAsync(request, cancellationToken).ConfigureAwait(false);
        }
        else if (request.HasFormContentType)
        {
            await ReadFormAsync(request, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new BadHttpRequestException(
                $"Content type '{request.ContentType}' is not supported; send JSON (application/json) or form fields.",
                StatusCodes.Status415UnsupportedMediaType);
        }
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static void LimitBody(HttpRequest request, long maxBodySize)
    {
        if (request.ContentLength > maxBodySize)
        {
            throw new BadHttpRequestException($"The request body is larger than {maxBodySize} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        // Chunked bodies have no length up front: let the server stop reading at the limit.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = maxBodySize;
        }
    }

    private async Task ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, JsonOptions, cancellationToken).ConfigureAwait(false);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new BadHttpRequestException("The request body must be a JSON object.", StatusCodes.Status400BadRequest);
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                AddJson(property.Name, property.Value);
            }
        }
        catch (JsonException ex)
        {
            throw Malformed("not valid JSON", ex);
        }
        catch (InvalidOperationException ex)
        {
            // Valid JSON syntax that is not valid text, such as a lone surrogate escape ("\ud800"), found by the
            // parser's duplicate-name check or when a name or value is read.
            throw Malformed("not valid JSON text", ex);
        }
    }

    private void AddJson(string name, JsonElement value)
    {
        WithoutNul(name);

        // Names bind case-insensitively, so "id" and "ID" are one field given twice: ambiguous, refused.
        if (_values.ContainsKey(name))
        {
            throw new BadHttpRequestException($"Field '{name}' is given more than once.", StatusCodes.Status400BadRequest);
        }

        var values = Values(name);
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray())
                {
                    if (Scalar(name, item) is { } text)
                    {
                        values.Add(text);
                    }
                }

                return;
            default:
                values.Add(Scalar(name, value)!);
                return;
        }
    }

    /// <returns>The value as text; <see langword="null"/> for a JSON null.</returns>
    private static string? Scalar(string name, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => WithoutNul(value.GetString()!),
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Null => null,
        _ => throw InvalidField(name),
    };

    // A form refuses a NUL (ASP.NET Core's form reader: "The form value contains invalid characters"), and so does
    // JSON ("\u0000"): no field means anything with one, and a database tier refuses it in text, failing the whole
    // group commit the write joined (a chat message stored in the PostgreSQL history was a 500).
    private static string WithoutNul(string text) =>
        text.Contains('\0', StringComparison.Ordinal)
            ? throw new BadHttpRequestException("The request body is not valid: a field contains a NUL character (\\u0000).", StatusCodes.Status400BadRequest)
            : text;

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
            throw Malformed("a malformed form", ex);
        }
        catch (IOException ex) when (ex is not BadHttpRequestException && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // A multipart body that ends before its closing boundary ("garbage--abc" with boundary abc). A body
            // over the size limit is a BadHttpRequestException (413) and passes through.
            throw Malformed("a malformed form", ex);
        }

        foreach (var (name, values) in form)
        {
            AddIfAbsent(name, values);
        }
    }

    private static BadHttpRequestException Malformed(string what, Exception inner) =>
        new($"The request body is {what}: {inner.Message}", StatusCodes.Status400BadRequest, inner);

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
