using Scheduler.Configuration;

namespace Scheduler.Marts.Definitions;

/// <summary>Finds the <c>*.mart.json</c> files under <c>Sql:Root</c>.</summary>
internal static class MartDefinitionFiles
{
    private static readonly EnumerationOptions s_files = new()
    {
        MatchCasing = MatchCasing.CaseSensitive,
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
    };

    /// <summary>
    /// Every definition file under <paramref name="sqlRoot"/>, subfolders included, ordered by relative path. Folders
    /// whose name starts with '.' (<c>.git</c>) are skipped, and so is a linked folder that leads outside
    /// <paramref name="realRoot"/> (the root with its links resolved) or back into one already seen. A linked file is
    /// returned: reading it reports the link if it leads outside.
    /// </summary>
    public static IReadOnlyList<MartDefinitionFile> Find(string sqlRoot, string realRoot)
    {
        ArgumentNullException.ThrowIfNull(sqlRoot);
        ArgumentNullException.ThrowIfNull(realRoot);
        var found = new List<MartDefinitionFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>();
        pending.Push(sqlRoot);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            var real = PathContainment.ResolveLinks(folder);
            if (real is null || !seen.Add(real) || !(real == realRoot || PathContainment.IsInside(real, realRoot)))
            {
                continue;
            }

            try
            {
                foreach (var path in Directory.EnumerateFiles(folder, "*" + MartDefinitionFile.Suffix, s_files))
                {
                    found.Add(Read(path, sqlRoot, realRoot));
                }

                foreach (var child in Directory.EnumerateDirectories(folder, "*", s_files))
                {
                    if (!Path.GetFileName(child).StartsWith('.'))
                    {
                        pending.Push(child);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The folder vanished or cannot be listed mid-scan: the next scan sees the settled state.
            }
        }

        return [.. found.OrderBy(f => f.RelativePath, StringComparer.Ordinal)];
    }

    private static MartDefinitionFile Read(string path, string sqlRoot, string realRoot)
    {
        var real = PathContainment.ResolveLinks(path);
        if (real is not null && PathContainment.IsInside(real, realRoot))
        {
            return MartDefinitionFile.Read(path, sqlRoot);
        }

        var relative = Path.GetRelativePath(sqlRoot, path).Replace(Path.DirectorySeparatorChar, '/');
        return MartDefinitionFile.Refused(path, relative, new ConfigurationProblem(relative, real ?? "(a loop of links)",
            $"a definition file inside Sql:Root '{realRoot}' once symbolic links are followed; this one is refused") { File = relative });
    }
}
