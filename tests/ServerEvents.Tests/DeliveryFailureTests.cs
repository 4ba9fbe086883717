using Microsoft.Extensions.DependencyInjection;
using ServerEvents.Delivery;

namespace ServerEvents.Tests;

/// <summary>A node that fails to take an event never leaves its streams silently without it.</summary>
public sealed class DeliveryFailureTests
{
    [Fact]
    public async Task A_re_attach_after_a_missed_event_closes_the_streams_and_a_resuming_client_is_replayed_the_event()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = server.CreateClient(new TestUser("7", "gus", "Gus"));
        var stream = await EventStreamReader.OpenAsync(client, "event-stream?channels=feed");
        var joined = await stream.WaitForAsync("feed@cmd.onJoin");

        // What the cluster tier does when this node failed twice to take an event: re-attach it after that event.
        await server.ServerEvents.NotifyChannelAsync("feed", "cmd.msg", "missed");
        var missed = await stream.WaitForAsync("feed@cmd.msg");
        server.Services.GetRequiredService<LocalEventDispatcher>().OnAttached(missed.EventId);

        await stream.WaitForEndAsync();
        await using var resumed = await EventStreamReader.OpenAsync(client, "event-stream?channels=feed", joined.Id);
        var replayed = await resumed.WaitForAsync("feed@cmd.msg");
        Assert.Equal(missed.EventId, replayed.EventId);
        Assert.Equal("\"missed\"", replayed.Body);
    }
}
