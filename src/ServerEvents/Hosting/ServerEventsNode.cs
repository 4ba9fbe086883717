namespace ServerEvents.Hosting;

/// <summary>This front-end node's identity in the cluster.</summary>
public sealed class ServerEventsNode
{
    /// <summary>A unique id per process, so a restarted node is a new node.</summary>
    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..^24];
}
