using Orleans.Concurrency;

namespace ServerEvents.Grains.Events;

/// <summary>
/// A front-end's end of the fan-out when it uses a grain observer instead of the stream: the log calls it once per
/// batch (per front-end, never per connection), with the same <see cref="LogBatch"/> the stream would carry, watermark
/// ticks included. A call is one-way and may be lost, as a stream message may: the front-end notices from the
/// positions and reads the log.
/// </summary>
[Alias("server-events.ILogBatchObserver")]
public interface ILogBatchObserver : IGrainObserver
{
    /// <summary>Receives the items of one commit (or one group of publishes handed out before their commit), or a watermark tick.</summary>
    [OneWay, Alias("OnBatch")]
    Task OnBatchAsync(LogBatch batch);
}
