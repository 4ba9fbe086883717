using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ServerEvents.Testing;

/// <summary>Runs the repository's service scripts (<c>scripts/postgres.sh</c>, <c>scripts/azurite.sh</c>) and reads what they export.</summary>
internal static partial class Script
{
    /// <summary>Runs <c>scripts/</c><paramref name="name"/> with bash; returns its standard output, or throws with its errors when it fails.</summary>
    public static Task<string> RunRepositoryScriptAsync(string name, params string[] arguments) =>
        RunAsync("bash", [Path.Combine(ApiProcess.RepositoryRoot(), "scripts", name), .. arguments]);

    /// <summary>Runs <paramref name="fileName"/>; returns its standard output, or throws with its errors when it fails.</summary>
    public static async Task<string> RunAsync(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var script = Process.Start(info) ?? throw new InvalidOperationException($"{fileName} could not be started.");
        var output = script.StandardOutput.ReadToEndAsync();
        var errors = script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync().ConfigureAwait(false);
        return script.ExitCode == 0
            ? await output.ConfigureAwait(false)
            : throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed with {script.ExitCode}:\n{await errors.ConfigureAwait(false)}");
    }

    /// <summary>The <c>export NAME='value'</c> lines of a script's output.</summary>
    public static Dictionary<string, string> Exports(string output) =>
        ExportLine().Matches(output).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);

    [GeneratedRegex("^export (?<name>[A-Z_]+)='(?<value>[^']*)'$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
