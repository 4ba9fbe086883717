using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ServerEvents.Hosting;

namespace ServerEvents.Tests;

/// <summary>A node refuses streams beyond its limit with 503 instead of running out of sockets.</summary>
public sealed class ConnectionLimitTests
{
    [Fact]
    public async Task A_stream_beyond_MaxConnections_gets_503_with_Retry_After_and_a_place_frees_when_a_stream_ends()
    {
        await using var server = await LoopbackServer.StartAsync(o => o.MaxConnections = 2);
        using var client = server.CreateClient();
        await using var first = await EventStreamReader.OpenAsync(client);
        await using var second = await EventStreamReader.OpenAsync(client);

        await using (var refused = await EventStreamReader.StartAsync(client))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Response.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), refused.Response.Headers.RetryAfter?.Delta);
            Assert.True(refused.Response.Headers.ConnectionClose, "a refused client should not keep a socket open");
            Assert.Contains("maximum of 2 event streams", await EndpointTests.ErrorMessageAsync(refused.Response), StringComparison.Ordinal);
        }

        Assert.Equal(1, server.ServerEvents.GetStatistics().ConnectionsRefused);
        Assert.Equal(2, server.ServerEvents.GetStatistics().OpenConnections);

        // The server frees the place once it has seen the stream end; each attempt below is a real request.
        using (var unregister = await client.GetAsync($"event-unregister?id={first.SubscriptionId}"))
        {
            unregister.EnsureSuccessStatusCode();
        }

        await first.WaitForEndAsync();
        await using var third = await OpenWhenAdmittedAsync(client);
        Assert.NotEqual(first.SubscriptionId, third.SubscriptionId);
    }

    [Fact]
    public async Task A_non_positive_MaxConnections_is_refused_at_start()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => LoopbackServer.StartAsync(o => o.MaxConnections = 0));
        Assert.Contains("MaxConnections", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kestrel_is_capped_below_the_open_file_limit_unless_the_application_set_a_cap()
    {
        var expected = OpenFileLimit.Value is { } limit ? limit - OpenFileLimit.ProcessReserve : (long?)null;
        await using (var server = await LoopbackServer.StartAsync())
        {
            Assert.Equal(expected, server.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxConcurrentConnections);
        }

        await using var configured = await LoopbackServer.StartAsync(
            build: builder => builder.Services.Configure<KestrelServerOptions>(k => k.Limits.MaxConcurrentConnections = 123));
        Assert.Equal(123, configured.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MaxConcurrentConnections);
    }

    [Theory]
    [InlineData("Max open files            20000                20000                files     \n", 20000L)]
    [InlineData("Max processes  unlimited  unlimited  processes\nMax open files  1024  524288  files\n", 1024L)]
    [InlineData("Max open files            unlimited            unlimited            files\n", null)]
    [InlineData("", null)]
    public void The_soft_open_file_limit_is_read_from_proc_limits(string limits, long? expected)
    {
        Assert.Equal(expected, OpenFileLimit.TryParse(limits));
    }

    [Fact]
    public void The_default_stream_limit_leaves_room_for_the_runtime_and_other_requests()
    {
        Assert.Equal(19_000, OpenFileLimit.StreamLimit(20_000));
        Assert.Equal(19_500, OpenFileLimit.ConnectionLimit(20_000));
        Assert.Equal(1, OpenFileLimit.StreamLimit(600));
        Assert.Null(OpenFileLimit.StreamLimit(null));
    }

    private static async Task<EventStreamReader> OpenWhenAdmittedAsync(HttpClient client)
    {
        var deadline = DateTime.UtcNow + EventStreamReader.DefaultTimeout;
        while (true)
        {
            var attempt = await EventStreamReader.StartAsync(client);
            if (attempt.Response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
            {
                await attempt.ConnectAsync();
                return attempt;
            }

            await attempt.DisposeAsync();
        }
    }
}
