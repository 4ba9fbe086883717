namespace ServerEvents.Grains.Directory;

/// <summary>The members of one channel (keyed <c>{scope}/{channel}</c>), kept in 16 storage shards so a join writes one.</summary>
[Alias("server-events.IChannelGrain")]
public interface IChannelGrain : IMemberIndexGrain;
