using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using ServerEvents.Bench.LoadGenerator.Worker;

namespace ServerEvents.Bench.LoadGenerator.Coordinator;

/// <summary>
/// A worker process started from this executable: commands go to its standard input, its JSON lines come back
/// from its standard output. Spreading streams over processes keeps each under the per-process file limit.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<WorkerMessage> _messages = Channel.CreateUnbounded<WorkerMessage>();
    private readonly TaskCompletionSource<WorkerMessage> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reader;

    private WorkerProcess(Process process)
    {
        _process = process;
        _reader = ReadAsync();
    }

    public int Pid => _process.Id;

    /// <summary>Completes when the worker says every open stream has received a warm-up message.</summary>
    public Task<WorkerMessage> Ready => _ready.Task;

    public static WorkerProcess Start(WorkerOptions options)
    {
        var start = new ProcessStartInfo
        {
            FileName = Environment.ProcessPath!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // Run through the muxer when this process was started as "dotnet LoadGenerator.dll".
        if (Path.GetFileNameWithoutExtension(start.FileName) == "dotnet")
        {
            start.ArgumentList.Add(typeof(WorkerProcess).Assembly.Location);
        }

        start.ArgumentList.Add("worker");
        foreach (var argument in options.ToArguments())
        {
            start.ArgumentList.Add(argument);
        }

        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("The worker did not start."));
    }

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Waits for the next line of <paramref name="type"/>, skipping others.</summary>
    public async Task<WorkerMessage> WaitForAsync(string type, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var message = await _messages.Reader.ReadAsync(cancel.Token);
                if (message.Type == type)
                {
                    return message;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Worker {Pid} sent no '{type}' within {timeout.TotalSeconds:0} s.");
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"Worker {Pid} exited before sending '{type}'.");
        }
    }

    /// <summary>Sends a command and waits for its answer.</summary>
    public async Task<WorkerMessage> AskAsync(string command, string answer, TimeSpan timeout)
    {
        await SendAsync(command);
        return await WaitForAsync(answer, timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await SendAsync("exit");
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException)
            {
                _process.Kill();
            }
        }

        await _reader;
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            var message = JsonSerializer.Deserialize<WorkerMessage>(line, WorkerMessage.Json)
                ?? throw new InvalidDataException($"Worker {Pid} sent '{line}'.");
            if (message.Type == "ready")
            {
                _ready.TrySetResult(message);
            }
            else
            {
                _messages.Writer.TryWrite(message);
            }
        }

        _messages.Writer.TryComplete();
    }
}
