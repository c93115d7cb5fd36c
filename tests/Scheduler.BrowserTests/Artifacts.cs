namespace Scheduler.BrowserTests;

/// <summary>Where test artifacts go: <c>artifacts/screenshots</c> under the repository root (git-ignored).</summary>
public static class Artifacts
{
    /// <summary>The repository root: the nearest folder above the test binaries holding <c>Scheduler.sln</c>.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The screenshot folder, created on first use.</summary>
    public static string Screenshots => Directory.CreateDirectory(Path.Combine(RepositoryRoot, "artifacts", "screenshots")).FullName;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Scheduler.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
