using System.Buffers;
using System.IO.Pipelines;

namespace ServerEvents.Bench.Baseline;

/// <summary>
/// The streams of one channel. One gate serialises broadcasts with joins and leaves, so a frame is never
/// interleaved with another on one stream and is never written to a response that has already ended.
/// </summary>
internal sealed class Topic
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<PipeWriter> _streams = [];

    /// <summary>Sends the response head and joins, so a client that has its head receives every later frame.</summary>
    public async Task AddAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await response.StartAsync(cancellationToken);
            await response.BodyWriter.FlushAsync(cancellationToken);
            _streams.Add(response.BodyWriter);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task RemoveAsync(PipeWriter stream)
    {
        await _gate.WaitAsync();
        _streams.Remove(stream);
        _gate.Release();
    }

    public async Task BroadcastAsync(byte[] frame)
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var stream in _streams)
            {
                stream.Write(frame);

                // Kestrel completes a flush synchronously unless the client is a full pipe behind; only then wait.
                var flush = stream.FlushAsync();
                if (!flush.IsCompletedSuccessfully)
                {
                    await flush;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
