namespace ServerEvents.Bench.LoadGenerator.Protocol;

/// <summary>Receives the stamped messages a stream parser finds.</summary>
internal interface IPayloadSink
{
    /// <summary>Called once per complete SSE event whose data carries a stamped body.</summary>
    void OnPayload(PayloadStamp stamp);

    /// <summary>Called for a ServiceStack <c>cmd.onConnect</c> event that names a heartbeat URL and interval.</summary>
    void OnConnect(string heartbeatUrl, TimeSpan heartbeatInterval);
}
