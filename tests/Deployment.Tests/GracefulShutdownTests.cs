using System.Net;
using Xunit.Abstractions;

namespace Deployment.Tests;

/// <summary>
/// What Container Apps does in every roll-out and scale-in: SIGTERM to a replica with live streams. Its clients
/// must resume on another replica with Last-Event-ID and miss nothing.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    private const int Clients = 3;
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task After_SIGTERM_a_node_refuses_new_streams_exits_cleanly_and_its_clients_resume_elsewhere_missing_nothing()
    {
        static Dictionary<string, string?> Environment(string port) =>
            new(ContainerAppNode.ContainerAppsEnvironment(port).Concat(ChannelPublisher.NodeSettings));

        await using var doomed = await ContainerAppNode.StartAsync(Environment);
        await using var survivor = await ContainerAppNode.StartAsync(Environment);
        var channel = "deploy" + Guid.NewGuid().ToString("N")[..12];

        var clients = new List<ResumingClient>();
        try
        {
            for (var i = 0; i < Clients; i++)
            {
                clients.Add(await ResumingClient.StartAsync(doomed, survivor, channel));
            }

            await using var publisher = await ChannelPublisher.StartAsync(survivor, channel);
            await Task.WhenAll(clients.Select(c => c.WaitForNumbersAsync(30)));

            doomed.Terminate();

            // Once a stream on the doomed node has ended, the node is stopping: a new stream gets 503 or nothing.
            await clients[0].FirstStreamEnded.WaitAsync(TimeSpan.FromSeconds(10));
            await AssertRefusesStreamsAsync(doomed, channel);

            Assert.True(await doomed.WaitForExitAsync(ExitTimeout), $"the node still ran {ExitTimeout} after SIGTERM:\n{doomed.Output}");
            Assert.True(doomed.ExitCode == 0, $"the node exited with {doomed.ExitCode}:\n{doomed.Output}");

            // Keep publishing while the clients are on the survivor, then stop and check every client got everything.
            await Task.WhenAll(clients.Select(c => c.Resumed.WaitAsync(TimeSpan.FromSeconds(10))));
            var onSurvivor = clients.Select(c => c.Numbers.Count).ToList();
            await Task.WhenAll(clients.Select((c, i) => c.WaitForNumbersAsync(onSurvivor[i] + 30)));
            var total = await publisher.StopAsync();

            foreach (var client in clients)
            {
                await client.WaitForNumbersAsync(total);
                Assert.Equal(Enumerable.Range(1, total), client.Numbers);
                Assert.DoesNotContain(client.Frames, f => f.Selector == "cmd.onReplayGap");
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>Tries new streams on the stopping node until it is gone; each must be refused, never served.</summary>
    private async Task AssertRefusesStreamsAsync(ApiProcess node, string channel)
    {
        using var client = node.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(5);
        var attempts = 0;
        var unavailable = 0;
        var unreachable = 0;

        // At least one attempt, even when the node is already gone: a loop that never ran would prove nothing.
        do
        {
            attempts++;
            try
            {
                using var response = await client.GetAsync("event-stream?channels=" + channel, HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Contains("shutting down", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                unavailable++;
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
            {
                // No longer accepting connections: the stream was not served either, but this is not a 503.
                unreachable++;
            }

            await Task.Delay(20);
        }
        while (!node.HasExited && attempts < 50);

        Assert.Equal(attempts, unavailable + unreachable);

        output.WriteLine($"new streams on the stopping node: {unavailable} got 503, {unreachable} found it gone");
    }

    /// <summary>
    /// A client as the real ones behave: a stream on the doomed node and, when the server ends it, a new stream on
    /// the survivor carrying the last id it saw (as the load balancer would route the reconnect elsewhere).
    /// </summary>
    private sealed class ResumingClient : IAsyncDisposable
    {
        private readonly HttpClient _toSurvivor;
        private readonly HttpClient _toDoomed;
        private readonly EventStreamReader _first;
        private readonly TaskCompletionSource _firstEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Task _resuming;
        private EventStreamReader? _second;

        private ResumingClient(HttpClient toDoomed, HttpClient toSurvivor, EventStreamReader first, string channel)
        {
            _toDoomed = toDoomed;
            _toSurvivor = toSurvivor;
            _first = first;
            _resuming = ResumeAsync(channel);
        }

        public Task FirstStreamEnded => _firstEnded.Task;

        public Task Resumed => _resumed.Task;

        /// <summary>Every frame of both streams, in order.</summary>
        public List<ServerEventFrame> Frames
        {
            get
            {
                // Received is already a copy taken under the reader's own lock.
                var frames = new List<ServerEventFrame>(_first.Received);
                if (_second is { } second)
                {
                    frames.AddRange(second.Received);
                }

                return frames;
            }
        }

        /// <summary>The published numbers received on both streams, in order.</summary>
        public List<int> Numbers => ChannelPublisher.Numbers(Frames);

        public static async Task<ResumingClient> StartAsync(ApiProcess doomed, ApiProcess survivor, string channel)
        {
            var toDoomed = doomed.CreateClient();
            var first = await EventStreamReader.OpenAsync(toDoomed, "event-stream?channels=" + channel);
            return new ResumingClient(toDoomed, survivor.CreateClient(), first, channel);
        }

        public async Task WaitForNumbersAsync(int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (Numbers.Count < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"only {Numbers.Count} of {count} numbers arrived: {string.Join(',', Numbers)}");
                await Task.Delay(20);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _first.DisposeAsync();
            try
            {
                await _resuming.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception ex) when (ex is TimeoutException or InvalidOperationException or HttpRequestException)
            {
                // Reported by the assertions already.
            }

            if (_second is { } second)
            {
                await second.DisposeAsync();
            }

            _toDoomed.Dispose();
            _toSurvivor.Dispose();
        }

        private async Task ResumeAsync(string channel)
        {
            await _first.Completion.ConfigureAwait(false);
            _firstEnded.TrySetResult();
            var lastId = _first.Received[^1].Id;

            _second = await EventStreamReader.OpenAsync(_toSurvivor, "event-stream?channels=" + channel, lastId).ConfigureAwait(false);
            _resumed.TrySetResult();
        }
    }
}
