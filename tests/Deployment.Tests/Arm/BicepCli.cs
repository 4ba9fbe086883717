using System.Diagnostics;
using System.Reflection;

namespace Deployment.Tests.Arm;

/// <summary>
/// The Bicep compiler restored from the Azure.Bicep.CommandLine.linux-x64 package (Deployment.Tests.csproj records
/// where NuGet put it), run as a process.
/// </summary>
internal static class BicepCli
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>The <c>tools/bicep</c> executable of the restored package.</summary>
    public static string Executable { get; } = Locate();

    /// <summary>Runs <c>bicep</c> with <paramref name="arguments"/>; returns its exit code, standard output and error.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Repository.Root,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // No telemetry and no update check: the tests run offline.
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bicep did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"bicep {string.Join(' ', arguments)} ran longer than {Timeout}");
        }

        return (process.ExitCode, await output, await error);
    }

    private static string Locate()
    {
        var package = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "BicepPackagePath")?.Value;
        if (string.IsNullOrEmpty(package))
        {
            throw new InvalidOperationException("The test assembly does not record the Azure.Bicep.CommandLine.linux-x64 package path; restore tests/Deployment.Tests.");
        }

        var executable = Path.Combine(package, "tools", "bicep");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"The Bicep CLI is not at {executable}; restore tests/Deployment.Tests.");
        }

        // A package extractor that drops file modes would leave the binary unrunnable.
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(executable) & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(executable, File.GetUnixFileMode(executable) | UnixFileMode.UserExecute);
        }

        return executable;
    }
}
