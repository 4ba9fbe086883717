using System.Net;

namespace ServerEvents.Orleans.Integration.Tests;

/// <summary>What the fault tests assert about publishes and what subscribers and history got.</summary>
internal static class Delivery
{
    /// <summary>A publish answers 200 or, while the cluster cannot take it, 503: never a 500 and never no answer.</summary>
    public static void AssertOkOr503(IEnumerable<(int Number, HttpStatusCode? Status)> posts)
    {
        var unexpected = posts.Where(p => p.Status is not (HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable)).ToList();
        Assert.True(unexpected.Count == 0, "publishes answered " + string.Join(", ", unexpected.Select(p => $"#{p.Number}: {p.Status?.ToString() ?? "nothing"}")));
    }

    /// <summary>
    /// Waits until <paramref name="stream"/> has every acknowledged number, then asserts it got each exactly once,
    /// in publish order, with strictly increasing event ids.
    /// </summary>
    public static async Task AssertReceivedExactlyOnceInOrderAsync(EventStreamReader stream, IReadOnlyList<int> acknowledged, TimeSpan timeout)
    {
        var expected = acknowledged.ToHashSet();
        try
        {
            await stream.WaitUntilAsync(() => expected.IsSubsetOf(ChatUser.Numbers(stream)), timeout);
        }
        catch (TimeoutException ex)
        {
            var missing = expected.Except(ChatUser.Numbers(stream)).Order();
            throw new TimeoutException($"Acknowledged but never received: {string.Join(", ", missing)}. {ex.Message}", ex);
        }

        var numbers = ChatUser.Numbers(stream);

        // A publish that answered 503 after its event was committed may still be delivered, once; none twice.
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Equal(acknowledged, numbers.Where(expected.Contains));
        var ids = stream.Received.Where(f => f.Id.Length > 0).Select(f => f.EventId).ToList();
        Assert.True(ids.Zip(ids.Skip(1)).All(pair => pair.First < pair.Second), "event ids are not strictly increasing: " + string.Join(",", ids));
    }

    /// <summary>Asserts the history holds every acknowledged number, in publish order.</summary>
    public static void AssertInHistory(IReadOnlyList<int> history, IReadOnlyList<int> acknowledged)
    {
        var expected = acknowledged.ToHashSet();
        Assert.Equal(acknowledged, history.Where(expected.Contains));
    }
}
