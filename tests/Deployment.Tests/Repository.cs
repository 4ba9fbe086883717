namespace Deployment.Tests;

/// <summary>Paths in this repository, found from the test assembly's location.</summary>
internal static class Repository
{
    /// <summary>The directory holding <c>OrleansEvents.slnx</c>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>A path below the root, from <c>/</c>-separated parts.</summary>
    public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(Root, relative));

    /// <summary>The text of a file below the root.</summary>
    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansEvents.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (OrleansEvents.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
