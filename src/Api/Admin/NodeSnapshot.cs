using ServerEvents.Diagnostics;

namespace ServerEvents.Api.Admin;

/// <summary>
/// What one node publishes to the admin channel each sample: the dashboard keeps the latest per node id and turns
/// the running totals of consecutive snapshots into rates.
/// </summary>
/// <param name="Node">The node's id (<see cref="Hosting.ServerEventsNode.Id"/>).</param>
/// <param name="Tier">The cluster tier the node runs on: Embedded, Postgres or Orleans.</param>
/// <param name="At">When the sample was taken.</param>
/// <param name="StartedAt">When the node started sampling.</param>
/// <param name="Statistics">The node's running totals (<see cref="IServerEvents.GetStatistics"/>).</param>
/// <param name="Metrics">Every instrument of the node's <c>ServerEvents</c> meter.</param>
/// <param name="Health">The node's health checks.</param>
/// <param name="Channels">The busiest channels of the cluster, with their member counts.</param>
/// <param name="Silos">The Orleans silos when the node runs on the Orleans tier; otherwise empty.</param>
/// <param name="Errors">The node's most recent warnings and errors, oldest first.</param>
internal sealed record NodeSnapshot(
    string Node,
    string Tier,
    DateTimeOffset At,
    DateTimeOffset StartedAt,
    ServerEventsStatistics Statistics,
    MeterSample Metrics,
    NodeHealth Health,
    IReadOnlyList<ChannelMembers> Channels,
    IReadOnlyList<SiloEntry> Silos,
    IReadOnlyList<RecentError> Errors);

/// <summary>A node's health.</summary>
/// <param name="Status">Healthy, Degraded or Unhealthy.</param>
/// <param name="Description">What the failing check said, or <see langword="null"/> when healthy.</param>
internal sealed record NodeHealth(string Status, string? Description);

/// <summary>A channel and how many subscriptions are in it.</summary>
/// <param name="Name">The channel.</param>
/// <param name="Members">Its subscriptions, cluster-wide.</param>
internal sealed record ChannelMembers(string Name, int Members);

/// <summary>An Orleans silo as the cluster's membership table sees it.</summary>
/// <param name="Address">The silo's address.</param>
/// <param name="Name">The silo's name.</param>
/// <param name="Status">Active, Joining, ShuttingDown, Dead…</param>
internal sealed record SiloEntry(string Address, string Name, string Status);
