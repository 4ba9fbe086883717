using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace ServerEvents.Endpoints;

/// <summary>Serves the dependency-free JavaScript client module, with an ETag so browsers revalidate cheaply.</summary>
internal sealed class ClientScriptEndpoint
{
    private const string ResourceName = "ServerEvents.Client.server-events.js";

    private readonly byte[] _script;
    private readonly string _etag;

    public ClientScriptEndpoint()
    {
        using var stream = typeof(ClientScriptEndpoint).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        _script = buffer.ToArray();
        _etag = "\"" + Convert.ToHexString(SHA256.HashData(_script))[..16] + "\"";
    }

    public async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers.ETag = _etag;
        response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == _etag)
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = "text/javascript; charset=utf-8";
        response.ContentLength = _script.Length;
        await response.Body.WriteAsync(_script, context.RequestAborted).ConfigureAwait(false);
    }
}
