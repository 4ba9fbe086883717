using ServerEvents.Delivery;
using ServerEvents.Subscriptions;

namespace ServerEvents.Tests;

/// <summary>The index keeps a lone member without a set and moves between the two forms as members come and go.</summary>
public sealed class SubscriptionIndexTests
{
    [Fact]
    public void Members_are_found_through_every_change_between_one_and_several()
    {
        var index = new SubscriptionIndex();
        using var a = Connection("a");
        using var b = Connection("b");

        index.Add("k", a);
        index.Add("k", a);
        Assert.Equal([a], index.Get("k"));

        index.Add("k", b);
        Assert.Equal(["a", "b"], index.Get("k").Select(c => c.Id).Order());

        index.Remove("k", a);
        Assert.Equal([b], index.Get("k"));

        index.Remove("k", a);
        index.Remove("k", b);
        Assert.Empty(index.Get("k"));

        index.Add("k", b);
        index.Remove("k", a);
        Assert.Equal([b], index.Get("k"));
        Assert.Empty(index.Get(null));
        Assert.Empty(index.Get("other"));
    }

    private static EventStreamConnection Connection(string id) => new(
        new SubscriptionInfo { Id = id, UserId = "-1", DisplayName = "user1", Channels = ["home"], NodeId = "node" },
        queueCapacity: 10);
}
