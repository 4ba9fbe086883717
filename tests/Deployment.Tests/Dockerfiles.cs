using System.Globalization;
using System.Text.RegularExpressions;

namespace Deployment.Tests;

/// <summary>The Dockerfile of each azd service (src/Api/Dockerfile, src/Silo/Dockerfile), read as text.</summary>
internal static partial class Dockerfiles
{
    /// <summary>The project folder of each azd service.</summary>
    public static readonly IReadOnlyDictionary<string, string> ProjectOf = new Dictionary<string, string>
    {
        ["api"] = "src/Api",
        ["silo"] = "src/Silo",
    };

    public static string Read(string service) => Repository.Read(ProjectOf[service] + "/Dockerfile");

    /// <summary>The port Kestrel listens on in the image (<c>ENV ASPNETCORE_HTTP_PORTS</c>).</summary>
    public static long HttpPort(string service) =>
        long.Parse(Assert.Single(HttpPortsSetting().Matches(Read(service))).Groups[1].Value, CultureInfo.InvariantCulture);

    /// <summary>The ports of the <c>EXPOSE</c> line.</summary>
    public static List<long> ExposedPorts(string service) =>
        [.. Assert.Single(Expose().Matches(Read(service))).Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => long.Parse(p, CultureInfo.InvariantCulture))];

    /// <summary>The sources of every <c>COPY</c> from the build context (not <c>--from</c> a stage).</summary>
    public static List<string> CopiedSources(string service) =>
        [.. CopySource().Matches(Read(service)).SelectMany(m => m.Groups["sources"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))];

    [GeneratedRegex(@"(?m)^ENV ASPNETCORE_HTTP_PORTS=(\d+)$")]
    private static partial Regex HttpPortsSetting();

    [GeneratedRegex(@"(?m)^EXPOSE ((?:\d+ ?)+)$")]
    private static partial Regex Expose();

    [GeneratedRegex(@"(?m)^COPY (?!--from)(?<sources>.+) \S+$")]
    private static partial Regex CopySource();
}
