using Orleans.Concurrency;

namespace ServerEvents.Grains.Directory;

/// <summary>
/// An index from one key (a channel, a user) to the ids of its subscriptions. It may name a subscription that has
/// since gone (entries are added before the subscription and removed after it), so readers check each id against its
/// partition; it never misses one that exists.
/// </summary>
[Alias("server-events.IMemberIndexGrain")]
public interface IMemberIndexGrain : IGrainWithStringKey
{
    /// <summary>Adds subscription ids.</summary>
    [Alias("Add")]
    Task AddAsync(IReadOnlyList<string> subscriptionIds);

    /// <summary>Removes subscription ids.</summary>
    [Alias("Remove")]
    Task RemoveAsync(IReadOnlyList<string> subscriptionIds);

    /// <summary>Every subscription id.</summary>
    [Alias("GetMembers"), ReadOnly]
    Task<IReadOnlyList<string>> GetMembersAsync();
}
