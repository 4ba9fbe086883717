using System.Net;

namespace ServerEvents.Bench.LoadGenerator.Worker;

/// <summary>What one worker process opens.</summary>
/// <param name="Subject">The subject kind (see <see cref="SubjectPaths.Parse"/>).</param>
/// <param name="Server">The server's address.</param>
/// <param name="Ports">The server ports; stream <c>i</c> goes to <c>Ports[i % Ports.Length]</c> (several nodes).</param>
/// <param name="Source">The local address the streams are bound to.</param>
/// <param name="Connections">How many streams this worker opens.</param>
/// <param name="FirstIndex">The global index of this worker's first stream; stream <c>i</c> is on channel <c>i % Channels</c>.</param>
/// <param name="Channels">How many channels the whole run spreads streams over.</param>
/// <param name="MaxInFlight">How many opens may be pending at once.</param>
/// <param name="ConnectRate">Opens per second for this worker; 0 for as fast as <paramref name="MaxInFlight"/> allows.</param>
/// <param name="OpenTimeout">How long an open may wait for the response head before it counts as failed.</param>
/// <param name="Heartbeat">Whether each stream heartbeats as a ServiceStack client does (the onConnect event's URL and interval).</param>
internal sealed record WorkerOptions(
    string Subject,
    IPAddress Server,
    int[] Ports,
    IPAddress Source,
    int Connections,
    long FirstIndex,
    int Channels,
    int MaxInFlight,
    double ConnectRate,
    TimeSpan OpenTimeout,
    bool Heartbeat)
{
    /// <summary>Reads the options the coordinator passes.</summary>
    public static WorkerOptions Parse(CommandLine args) => new(
        args.Get("subject"),
        IPAddress.Parse(args.Get("server", "127.0.0.1")),
        [.. args.GetList("ports").Select(int.Parse)],
        IPAddress.Parse(args.Get("source", "127.0.0.1")),
        args.GetInt("connections"),
        args.GetInt("first-index", 0),
        args.GetInt("channels", 1),
        args.GetInt("max-in-flight", 64),
        args.GetDouble("connect-rate", 0),
        TimeSpan.FromSeconds(args.GetDouble("open-timeout", 10)),
        args.Has("heartbeat"));

    /// <summary>The arguments that recreate these options in a worker process.</summary>
    public IEnumerable<string> ToArguments() =>
    [
        "--subject", Subject, "--server", Server.ToString(), "--ports", string.Join(',', Ports), "--source", Source.ToString(),
        "--connections", Invariant(Connections), "--first-index", Invariant(FirstIndex), "--channels", Invariant(Channels),
        "--max-in-flight", Invariant(MaxInFlight), "--connect-rate", Invariant(ConnectRate),
        "--open-timeout", Invariant(OpenTimeout.TotalSeconds),
        .. Heartbeat ? ["--heartbeat"] : Array.Empty<string>(),
    ];

    private static string Invariant(IFormattable value) => value.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
}
