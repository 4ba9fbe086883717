using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Deployment.Tests;

/// <summary>
/// The window between SIGTERM and the server closing its listener, held open in process so that what the node
/// answers in it can be seen (a real process closes its listener within milliseconds; see GracefulShutdownTests).
/// </summary>
public sealed class StoppingNodeTests
{
    [Fact]
    public async Task While_the_node_stops_its_streams_end_and_a_new_stream_gets_503_with_retry_after()
    {
        using var release = new ManualResetEventSlim();
        await using var server = await LoopbackServer.StartAsync(map: app =>
            // Registered before any stream, so it runs after the streams' own stop callbacks (newest run first), and
            // holds the stop there, before the host stops Kestrel.
            app.Lifetime.ApplicationStopping.Register(() => release.Wait(TimeSpan.FromSeconds(10))));
        using var client = server.CreateClient();
        var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=home");
        var lifetime = server.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = Task.Run(lifetime.StopApplication);
        try
        {
            await stream.WaitForEndAsync();

            using var refused = await client.GetAsync("event-stream?channels=home", HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), refused.Headers.RetryAfter?.Delta);
            Assert.Contains("shutting down", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            release.Set();
            await stopping;
            await stream.DisposeAsync();
        }
    }
}
