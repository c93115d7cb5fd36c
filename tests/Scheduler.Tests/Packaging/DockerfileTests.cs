using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Scheduler.Tests.Packaging;

/// <summary>
/// The Dockerfiles cannot be built here (no Docker engine), so these check what a build would trip over: COPY
/// sources that do not exist or that .dockerignore leaves out, project paths, project references outside what is
/// copied, the entry point's assembly name, the non-root user, and the port the service listens on.
/// </summary>
[Trait("Category", "Fast")]
public sealed partial class DockerfileTests
{
    public static TheoryData<string, string> Images => new()
    {
        { "src/Scheduler/Dockerfile", "src/Scheduler/Scheduler.csproj" },
        { "src/RedshiftDataEmulator/Dockerfile", "src/RedshiftDataEmulator/RedshiftDataEmulator.csproj" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void CopySources_ExistAndAreInTheBuildContext_WhenBuiltFromTheRepositoryRoot(string dockerfilePath, string project)
    {
        _ = project;
        var dockerfile = Dockerfile.Load(RepositoryFiles.PathOf(dockerfilePath));
        var ignored = DockerIgnore.Load(RepositoryFiles.PathOf(".dockerignore"));
        var problems = new List<string>();

        foreach (var copy in dockerfile.Instructions.Where(i => i.Keyword is "COPY" or "ADD" && !i.HasOption("from")))
        {
            foreach (var source in copy.Words.SkipLast(1))
            {
                var relative = ContextPath(source).TrimEnd('/');
                if (!File.Exists(RepositoryFiles.PathOf(relative)) && !Directory.Exists(RepositoryFiles.PathOf(relative)))
                {
                    problems.Add($"{copy}: '{source}' does not exist in the repository");
                }
                else if (ignored.Excludes(relative))
                {
                    problems.Add($"{copy}: '{source}' is excluded by .dockerignore");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void DotnetCommands_NameTheProject_AndItsReferencesAreCopied(string dockerfilePath, string project)
    {
        var dockerfile = Dockerfile.Load(RepositoryFiles.PathOf(dockerfilePath));
        var runs = dockerfile.Instructions.Where(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet ", StringComparison.Ordinal)).ToList();

        Assert.Contains(runs, r => r.Words.Contains("restore") && r.Words.Contains(project));
        Assert.Contains(runs, r => r.Words.Contains("publish") && r.Words.Contains(project));

        var copied = dockerfile.Instructions
            .Where(i => i.Keyword == "COPY" && !i.HasOption("from"))
            .SelectMany(i => i.Words.SkipLast(1))
            .Select(ContextPath)
            .ToList();
        foreach (var needed in ProjectClosure(project).Append("Directory.Build.props").Append("Directory.Packages.props").Append("global.json"))
        {
            Assert.True(
                copied.Any(c => needed == c.TrimEnd('/') || needed.StartsWith(c.EndsWith('/') ? c : c + "/", StringComparison.Ordinal)),
                $"{dockerfilePath}: '{needed}' is needed to build {project} but no COPY brings it in");
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void FinalStage_RunsTheProjectsAssemblyAsNonRoot(string dockerfilePath, string project)
    {
        var dockerfile = Dockerfile.Load(RepositoryFiles.PathOf(dockerfilePath));
        Assert.True(dockerfile.Instructions.Count(i => i.Keyword == "FROM") >= 2, $"{dockerfilePath}: expected a multi-stage build");
        var final = dockerfile.FinalStage;

        Assert.Contains(final, i => i.Keyword == "COPY" && i.HasOption("from"));

        var user = final.LastOrDefault(i => i.Keyword == "USER");
        Assert.NotNull(user);
        Assert.DoesNotMatch(@"^(root|0)(:.*)?$", user.Arguments);

        var entrypoint = final.Last(i => i.Keyword == "ENTRYPOINT");
        var assemblyName = XDocument.Load(RepositoryFiles.PathOf(project)).Descendants("AssemblyName").FirstOrDefault()?.Value
            ?? Path.GetFileNameWithoutExtension(project);
        Assert.Contains($"\"{assemblyName}.dll\"", entrypoint.Arguments, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void ListeningPort_IsTheExposedAndHealthCheckedPort(string dockerfilePath, string project)
    {
        _ = project;
        var final = Dockerfile.Load(RepositoryFiles.PathOf(dockerfilePath)).FinalStage;

        var urls = UrlsSetting().Match(string.Join('\n', final.Where(i => i.Keyword == "ENV").Select(i => i.Arguments)));
        Assert.True(urls.Success, $"{dockerfilePath}: the final stage should set ASPNETCORE_URLS");
        var port = urls.Groups["port"].Value;

        Assert.Contains(final, i => i.Keyword == "EXPOSE" && i.Words.Contains(port));
        var healthcheck = final.SingleOrDefault(i => i.Keyword == "HEALTHCHECK");
        Assert.NotNull(healthcheck);
        Assert.Contains($"127.0.0.1:{port}/", healthcheck.Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void EmulatorImage_NeverAcceptsUnsignedRequests()
    {
        var final = Dockerfile.Load(RepositoryFiles.PathOf("src/RedshiftDataEmulator/Dockerfile")).FinalStage;

        // The image listens on every interface of its container; there the emulator must require signatures.
        Assert.DoesNotContain(final, i => i.Keyword is "ENV" or "ARG" && i.Arguments.Contains("AllowUnsigned", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(final, i => i.Keyword is "ENTRYPOINT" or "CMD" && i.Arguments.Contains("AllowUnsigned", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>A COPY source as a path relative to the build context (the repository root).</summary>
    private static string ContextPath(string source) => source.StartsWith("./", StringComparison.Ordinal) ? source[2..] : source.TrimStart('/');

    /// <summary>The project and every project it references, transitively, as repository-relative paths.</summary>
    private static List<string> ProjectClosure(string project)
    {
        var seen = new List<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (seen.Contains(current))
            {
                continue;
            }

            seen.Add(current);
            var folder = Path.GetDirectoryName(RepositoryFiles.PathOf(current))!;
            foreach (var reference in XDocument.Load(RepositoryFiles.PathOf(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(folder, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(RepositoryFiles.Root, full).Replace('\\', '/'));
            }
        }

        return seen;
    }

    [GeneratedRegex(@"ASPNETCORE_URLS=http://\+:(?<port>\d+)")]
    private static partial Regex UrlsSetting();
}
