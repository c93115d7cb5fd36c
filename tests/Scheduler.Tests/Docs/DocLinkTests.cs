using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Docs;

/// <summary>
/// Every relative link in README.md, docs/**/*.md and the emulator's README leads to a file that exists and, for
/// <c>#anchor</c>, to a heading of that file (GitHub's anchors), so moving or renaming a page or a heading cannot
/// leave a dead link behind.
/// </summary>
[Trait("Category", "Fast")]
public sealed class DocLinkTests
{
    public static TheoryData<string> Documents()
    {
        var root = RunHarness.RepositoryRoot;
        var files = new TheoryData<string>();
        files.Add("README.md");
        files.Add(Path.Combine("src", "RedshiftDataEmulator", "README.md"));
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetRelativePath(root, file));
        }

        return files;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void RelativeLinks_Resolve_ToAFileAndHeading(string document)
    {
        var path = Path.Combine(RunHarness.RepositoryRoot, document);
        var dead = new List<string>();
        foreach (var (line, target) in MarkdownLinks.Targets(File.ReadAllText(path)))
        {
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var file = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                dead.Add($"{document}:{line}: {target} (no file {Path.GetRelativePath(RunHarness.RepositoryRoot, resolved)})");
            }
            else if (anchor is not null && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
                     && !MarkdownLinks.Anchors(File.ReadAllText(resolved)).Contains(anchor))
            {
                dead.Add($"{document}:{line}: {target} (no heading with the anchor #{anchor})");
            }
        }

        Assert.True(dead.Count == 0, "Dead links:\n  " + string.Join("\n  ", dead));
    }

    [Theory]
    [InlineData("Run lifecycle", "run-lifecycle")]
    [InlineData("What is redacted", "what-is-redacted")]
    [InlineData("`Sql:Root` and the SQL files", "sqlroot-and-the-sql-files")]
    [InlineData("Bad-credential storm", "bad-credential-storm")]
    [InlineData("Dashboard: the Marts pages", "dashboard-the-marts-pages")]
    [InlineData("Why (and why not Airflow?)", "why-and-why-not-airflow")]
    [InlineData("snake_case keys", "snake_case-keys")]
    public void Slug_FollowsGitHub(string heading, string expected)
    {
        Assert.Equal(expected, MarkdownLinks.Slug(heading));
    }

    [Fact]
    public void Anchors_NumberRepeatedHeadings_AndSkipCode()
    {
        var anchors = MarkdownLinks.Anchors("# Settings\n## Settings\n```\n# not a heading\n```\n");

        Assert.Equal(["settings", "settings-1"], anchors.Order(StringComparer.Ordinal));
    }
}
