namespace ServerEvents.Grains.Directory;

/// <summary>The subscriptions of a user: a handful, so one record.</summary>
public sealed class UserGrain() : MemberIndexGrain(1), IUserGrain;
