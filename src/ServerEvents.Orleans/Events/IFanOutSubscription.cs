namespace ServerEvents.Orleans.Events;

/// <summary>
/// How <see cref="LogListener"/> gets the log's batches into its inbox (<see cref="FanOutTransport"/>): the listener
/// does everything else (ordering, gap fill from the log, the silence check), the same for every transport.
/// </summary>
internal interface IFanOutSubscription
{
    /// <summary>Starts receiving batches.</summary>
    Task SubscribeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes the subscription again after the fan-out went silent, without a moment with none: the old one is removed
    /// only once the new one is in place.
    /// </summary>
    Task ResubscribeAsync(CancellationToken cancellationToken);

    /// <summary>Stops receiving batches; a subscription that cannot be removed (its silo is gone) is left to lapse.</summary>
    Task UnsubscribeAsync();
}
