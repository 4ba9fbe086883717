namespace ServerEvents.Testing;

/// <summary>Sends a subscription's heartbeats in the background, as a client does, until disposed.</summary>
public sealed class Heartbeats : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="client">Where to send them (any node).</param>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="interval">How often.</param>
    public Heartbeats(HttpClient client, string subscriptionId, TimeSpan interval)
    {
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                using (var response = await client.PostAsync("event-heartbeat?id=" + subscriptionId, null, _stop.Token).ConfigureAwait(false))
                {
                    response.EnsureSuccessStatusCode();
                }

                Sent++;
                await Task.Delay(interval, _stop.Token).ConfigureAwait(false);
            }
        });
    }

    /// <summary>How many were accepted.</summary>
    public int Sent { get; private set; }

    /// <summary>Stops sending.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }
}
