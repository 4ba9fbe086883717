namespace ServerEvents.Bench.LoadGenerator;

/// <summary>The kinds of server the generator can load; each names its subscribe and publish requests.</summary>
internal enum SubjectKind
{
    /// <summary>bench/ServerHost (the library): <c>GET /event-stream?channels=</c>, <c>POST /publish?channel=</c>.</summary>
    Ours,

    /// <summary>bench/Baseline and nchan (bench/nchan/nginx.conf): <c>GET /sub?channel=</c>, <c>POST /pub?channel=</c>.</summary>
    SubPub,
}

/// <summary>Request paths for one kind of subject.</summary>
internal static class SubjectPaths
{
    /// <summary>Parses <c>ours</c>, <c>baseline</c>, <c>nchan</c> or any <c>ours-*</c> variant.</summary>
    public static SubjectKind Parse(string subject) =>
        subject.StartsWith("ours", StringComparison.OrdinalIgnoreCase) ? SubjectKind.Ours : SubjectKind.SubPub;

    /// <summary>The path that opens a stream on <paramref name="channel"/>.</summary>
    public static string Subscribe(SubjectKind kind, string channel) =>
        kind == SubjectKind.Ours ? $"/event-stream?channels={channel}" : $"/sub?channel={channel}";

    /// <summary>The path that publishes to <paramref name="channel"/>.</summary>
    public static string Publish(SubjectKind kind, string channel) =>
        kind == SubjectKind.Ours ? $"/publish?channel={channel}" : $"/pub?channel={channel}";

    /// <summary>The name of channel number <paramref name="number"/>.</summary>
    public static string ChannelName(long number) => "c" + number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
