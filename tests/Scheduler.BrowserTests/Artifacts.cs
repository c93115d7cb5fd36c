namespace Scheduler.BrowserTests;

/// <summary>Where test artifacts go: <c>artifacts/screenshots</c> under the repository root (git-ignored).</summary>
public static class Artifacts
{
    /// <summary>The repository root: the nearest folder above the test binaries holding <c>Scheduler.sln</c>.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>The screenshot folder, created on first use.</summary>
    public static string Screenshots => Directory.CreateDirectory(Path.Combine(RepositoryRoot, "artifacts", "screenshots")).FullName;

    /// <summary>The environment variable that, set to <c>1</c>, lets a run refresh the screenshots the docs show.</summary>
    public const string UpdateDocScreenshotsVariable = "SCHEDULER_UPDATE_DOC_SCREENSHOTS";

    /// <summary>
    /// Copies a screenshot to <c>docs/img/<paramref name="name"/></c>, only when <see cref="UpdateDocScreenshotsVariable"/>
    /// is <c>1</c>: a normal test run leaves the tracked images alone.
    /// </summary>
    public static void PublishToDocs(string screenshot, string name)
    {
        if (Environment.GetEnvironmentVariable(UpdateDocScreenshotsVariable) != "1")
        {
            return;
        }

        var docs = Directory.CreateDirectory(Path.Combine(RepositoryRoot, "docs", "img")).FullName;
        File.Copy(screenshot, Path.Combine(docs, name), overwrite: true);
    }

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
