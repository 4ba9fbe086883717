namespace ServerEvents.Grains.Events;

/// <summary>
/// What the fan-out stream carries: the items of one group commit (or, when the log fans out before committing, of
/// one group of publishes), in position order, or none (a watermark tick). <paramref name="Newest"/> is the newest
/// position the log has handed out, so a front-end that has handed over less than that knows it missed something and
/// reads it from the log.
/// </summary>
/// <param name="Epoch">The log's epoch; a new one means the log was created anew.</param>
/// <param name="Newest">The newest position handed out: durable, unless the log fans out before committing.</param>
/// <param name="Items">The items, oldest first.</param>
[GenerateSerializer, Immutable, Alias("server-events.LogBatch")]
public sealed record LogBatch(
    [property: Id(0)] long Epoch,
    [property: Id(1)] long Newest,
    [property: Id(2)] IReadOnlyList<LogItem> Items);
