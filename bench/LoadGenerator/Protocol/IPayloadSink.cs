namespace ServerEvents.Bench.LoadGenerator.Protocol;

/// <summary>Receives the stamped messages a stream parser finds.</summary>
internal interface IPayloadSink
{
    /// <summary>Called once per complete SSE event whose data carries a stamped body.</summary>
    void OnPayload(long sentTimestamp, PayloadKind kind);
}
