namespace ServerEvents.Grains.Directory;

/// <summary>The subscriptions of one user id (keyed <c>{scope}/{userId}</c>), for user targeting and the one-entry-per-user list.</summary>
[Alias("server-events.IUserGrain")]
public interface IUserGrain : IMemberIndexGrain;
