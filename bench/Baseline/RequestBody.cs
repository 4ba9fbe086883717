using System.Buffers;

namespace ServerEvents.Bench.Baseline;

/// <summary>Reads a whole (small) request body.</summary>
internal static class RequestBody
{
    /// <summary>Returns the body's bytes once the client has sent all of them.</summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(request.HttpContext.RequestAborted);
            if (result.IsCompleted)
            {
                var body = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return body;
            }

            // Nothing is consumed until the end, so the pipe keeps the whole body in its buffer.
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
