namespace ServerEvents.Client;

/// <summary>
/// <c>cmd.onReplayGap</c>: the server no longer had every event after the resume cursor, so some were missed.
/// </summary>
/// <param name="LastEventId">The cursor the client resumed from.</param>
/// <param name="OldestAvailableId">The oldest event the server still had, or <see langword="null"/> when it had none.</param>
public sealed record ServerEventReplayGap(long LastEventId, long? OldestAvailableId);
