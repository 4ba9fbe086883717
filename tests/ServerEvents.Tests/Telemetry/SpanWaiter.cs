using System.Diagnostics;
using OpenTelemetry;

namespace ServerEvents.Tests.Telemetry;

/// <summary>A span processor that completes once a span matching the condition has ended (and was exported by the processors before it).</summary>
internal sealed class SpanWaiter(Func<Activity, bool> condition) : BaseProcessor<Activity>
{
    private readonly TaskCompletionSource<Activity> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the first matching span to end.</summary>
    public Task<Activity> Ended => _ended.Task.WaitAsync(EventStreamReader.DefaultTimeout);

    public override void OnEnd(Activity data)
    {
        if (condition(data))
        {
            _ended.TrySetResult(data);
        }
    }
}
