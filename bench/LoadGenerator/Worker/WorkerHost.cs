using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace ServerEvents.Bench.LoadGenerator.Worker;

/// <summary>
/// The <c>worker</c> command: opens its share of the streams when told to, says when every stream is live, and
/// answers the coordinator's commands on standard input with JSON lines on standard output.
/// </summary>
internal sealed class WorkerHost(WorkerOptions options)
{
    private readonly WorkerCounters _counters = new();
    private readonly List<StreamConnection> _streams = [];
    private readonly Lock _output = new();
    private readonly CancellationTokenSource _stopping = new();

    public async Task<int> RunAsync()
    {
        Emit(new WorkerMessage { Type = "started" });
        while (await Console.In.ReadLineAsync() is { } line)
        {
            var command = line.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            switch (command.FirstOrDefault())
            {
                case "connect":
                    // A client heartbeats from its own onConnect, so the first streams must not wait for the last to
                    // open: on a slow-joining subject, opening them all can outlast the server's idle timeout.
                    if (options.Heartbeat)
                    {
                        _ = HeartbeatAsync(_stopping.Token);
                    }

                    await ConnectAllAsync();
                    _ = ReportWhenWarmedAsync();
                    break;
                case "measure":
                    // "measure <messages>": the run's measured messages are numbered 0 to messages - 1.
                    _counters.StartMeasuring(int.Parse(command[1], System.Globalization.CultureInfo.InvariantCulture));
                    Emit(new WorkerMessage { Type = "measuring", Subscribed = SubscribedPerChannel() });
                    break;
                case "progress":
                    Emit(Snapshot("progress"));
                    break;
                case "report":
                    _counters.StopMeasuring();
                    Emit(Snapshot("report") with
                    {
                        Latency = _counters.Latency.ToSparse(),
                        FirstArrivals = _counters.FirstArrivals.ToReport(),
                        LastArrival = _counters.LastArrival,
                    });
                    break;
                case "exit":
                    await _stopping.CancelAsync();
                    CloseAll();
                    return 0;
            }
        }

        CloseAll();
        return 0;
    }

    private async Task ConnectAllAsync()
    {
        var started = Stopwatch.StartNew();
        using var inFlight = new SemaphoreSlim(options.MaxInFlight);
        var opens = new List<Task<string?>>(options.Connections);
        for (var i = 0; i < options.Connections; i++)
        {
            await PaceAsync(i, started);
            await inFlight.WaitAsync();
            opens.Add(OpenAsync(options.FirstIndex + i, inFlight));
        }

        var errors = (await Task.WhenAll(opens)).Where(e => e is not null).ToList();
        _counters.ExpectWarmed(options.Connections - errors.Count);
        Emit(new WorkerMessage
        {
            Type = "connected",
            Opened = options.Connections - errors.Count,
            Failed = errors.Count,
            FirstError = errors.FirstOrDefault(),
            ConnectSeconds = started.Elapsed.TotalSeconds,
        });
    }

    /// <returns>Null when the stream opened, else why not.</returns>
    private async Task<string?> OpenAsync(long index, SemaphoreSlim inFlight)
    {
        var stream = new StreamConnection(_counters, (int)(index % options.Channels));
        lock (_streams)
        {
            _streams.Add(stream);
        }

        try
        {
            // A server out of file descriptors leaves connections unaccepted in its backlog; they count as failed.
            using var timeout = new CancellationTokenSource(options.OpenTimeout);
            var port = options.Ports[index % options.Ports.Length];
            var status = await stream.OpenAsync(new IPEndPoint(options.Server, port), options.Source, Request(stream.Channel, port), timeout.Token);
            if (status != 200)
            {
                return $"HTTP {status}";
            }

            _ = stream.ReceiveAsync();
            return null;
        }
        catch (OperationCanceledException)
        {
            return $"no response head within {options.OpenTimeout.TotalSeconds:0} s";
        }
        catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException or InvalidDataException)
        {
            return ex.Message;
        }
        finally
        {
            inFlight.Release();
        }
    }

    private async Task PaceAsync(int i, Stopwatch started)
    {
        if (options.ConnectRate <= 0)
        {
            return;
        }

        var due = TimeSpan.FromSeconds(i / options.ConnectRate) - started.Elapsed;
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due);
        }
    }

    /// <summary>
    /// Heartbeats every stream at the interval its onConnect event asked for, as a ServiceStack client does, spread
    /// over the interval (stream i in second i mod interval), with a POST to its heartbeat URL.
    /// </summary>
    private async Task HeartbeatAsync(CancellationToken stopping)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 32, UseProxy = false })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var second = 0L;
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
            {
                second++;
                StreamConnection[] streams;
                lock (_streams)
                {
                    streams = [.. _streams];
                }

                for (var i = 0; i < streams.Length; i++)
                {
                    var stream = streams[i];
                    var every = Math.Max(1, (long)stream.HeartbeatInterval.TotalSeconds);
                    if (stream.HeartbeatUrl is { } url && !stream.Closed && (second + i) % every == 0)
                    {
                        _ = BeatAsync(http, url, stopping);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task BeatAsync(HttpClient http, string url, CancellationToken stopping)
    {
        try
        {
            using var response = await http.PostAsync(url, content: null, stopping);
            _counters.Heartbeat(response.IsSuccessStatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            if (!stopping.IsCancellationRequested)
            {
                _counters.Heartbeat(succeeded: false);
            }
        }
    }

    private byte[] Request(int channel, int port)
    {
        var path = SubjectPaths.Subscribe(SubjectPaths.Parse(options.Subject), SubjectPaths.ChannelName(channel));
        return Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: {options.Server}:{port}\r\nAccept: text/event-stream\r\n\r\n");
    }

    /// <summary>Per channel, the streams the server accepted that are still open: each is owed every message sent there.</summary>
    private int[] SubscribedPerChannel()
    {
        var subscribed = new int[options.Channels];
        lock (_streams)
        {
            foreach (var stream in _streams.Where(s => s.Subscribed))
            {
                subscribed[stream.Channel]++;
            }
        }

        return subscribed;
    }

    private async Task ReportWhenWarmedAsync()
    {
        await _counters.AllWarmed;
        Emit(Snapshot("ready"));
    }

    private WorkerMessage Snapshot(string type) => new()
    {
        Type = type,
        Warmed = _counters.Warmed,
        Live = _counters.Live,
        Dropped = _counters.Dropped,
        Received = _counters.Received,
        Heartbeats = _counters.Heartbeats,
        HeartbeatFailures = _counters.HeartbeatFailures,
    };

    private void CloseAll()
    {
        lock (_streams)
        {
            foreach (var stream in _streams)
            {
                stream.Dispose();
            }
        }
    }

    private void Emit(WorkerMessage message)
    {
        var line = JsonSerializer.Serialize(message, WorkerMessage.Json);
        lock (_output)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }
}
