using System.Net;

namespace ServerEvents.Bench.LoadGenerator.Coordinator;

/// <summary>One measured run against one subject: its streams, its publishing, and where to find its processes.</summary>
internal sealed record RunOptions
{
    /// <summary>The subject id: <c>ours</c>, <c>ours-pg</c>, <c>baseline</c> or <c>nchan</c>.</summary>
    public required string Subject { get; init; }

    /// <summary>The scenario id the table groups by, for example <c>fanout</c>.</summary>
    public required string Scenario { get; init; }

    public required IPAddress Server { get; init; }

    /// <summary>Ports streams are spread over; publishing goes to the first.</summary>
    public required int[] Ports { get; init; }

    /// <summary>The server processes (their descendants are found and counted too).</summary>
    public required int[] ServerPids { get; init; }

    public required int Connections { get; init; }

    public required int Channels { get; init; }

    /// <summary>Worker processes; each binds its own loopback source address.</summary>
    public required int Workers { get; init; }

    public required int MaxInFlight { get; init; }

    /// <summary>Total opens per second over all workers; 0 for as fast as the in-flight cap allows.</summary>
    public required double ConnectRate { get; init; }

    /// <summary>How long an open may wait for the response head before it counts as failed.</summary>
    public required TimeSpan OpenTimeout { get; init; }

    /// <summary>Measured messages per second; 0 to only open and hold the streams.</summary>
    public required double PublishRate { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>How long to wait for every stream to prove it is live.</summary>
    public required TimeSpan WarmUpTimeout { get; init; }

    /// <summary>Whether every stream heartbeats as a ServiceStack client does.</summary>
    public bool Heartbeat { get; init; }

    /// <summary>
    /// The configuration overrides the server was started with, when a scenario runs it unlike the others
    /// (space-separated <c>Key=value</c>); recorded in the result, the generator does nothing with them.
    /// </summary>
    public string? ServerSettings { get; init; }

    /// <summary>How long to let the server settle after the warm-up before reading its memory.</summary>
    public required TimeSpan SettleTime { get; init; }

    public static RunOptions Parse(CommandLine args) => new()
    {
        Subject = args.Get("subject"),
        Scenario = args.Get("scenario", "fanout"),
        Server = IPAddress.Parse(args.Get("server", "127.0.0.1")),
        Ports = [.. args.GetList("ports").Select(int.Parse)],
        ServerPids = [.. args.GetList("server-pids").Select(int.Parse)],
        Connections = args.GetInt("connections"),
        Channels = args.GetInt("channels", 1),
        Workers = args.GetInt("workers", 1),
        MaxInFlight = args.GetInt("max-in-flight", 64),
        ConnectRate = args.GetDouble("connect-rate", 0),
        OpenTimeout = TimeSpan.FromSeconds(args.GetDouble("open-timeout", 10)),
        PublishRate = args.GetDouble("publish-rate", 0),
        Duration = TimeSpan.FromSeconds(args.GetDouble("duration", 10)),
        WarmUpTimeout = TimeSpan.FromSeconds(args.GetDouble("warmup-timeout", 60)),
        SettleTime = TimeSpan.FromSeconds(args.GetDouble("settle", 2)),
        Heartbeat = args.Has("heartbeat"),
        ServerSettings = args.Has("server-settings") ? args.Get("server-settings") : null,
    };
}
