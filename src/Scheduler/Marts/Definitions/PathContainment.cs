namespace Scheduler.Marts.Definitions;

/// <summary>
/// Decides whether a path stays inside a folder once symbolic links are followed. A lexical check alone
/// (<c>Path.GetFullPath</c>) accepts <c>root/link.sql</c> even when <c>link.sql</c> points at <c>/etc/shadow</c>, so
/// every link on the way (the folder's own included) is resolved first, as <c>realpath(3)</c> would.
/// </summary>
internal static class PathContainment
{
    private const int MaxLinks = 40;

    /// <summary>
    /// The path with every symbolic link resolved (the part that does not exist yet is kept as written), or null when
    /// the links loop or nest deeper than 40, as the kernel refuses them too.
    /// </summary>
    public static string? ResolveLinks(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var pending = new Stack<string>(full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var current = Path.GetPathRoot(full) ?? Path.DirectorySeparatorChar.ToString();
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }

            var next = Path.Combine(current, part);
            FileSystemInfo info = new FileInfo(next);
            string? target = null;
            try
            {
                target = info.LinkTarget;
            }
            catch (IOException)
            {
                // Not a link, or not reachable: keep it as written; existence is checked by the caller.
            }

            if (target is null)
            {
                current = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            // A relative target is relative to the link's folder; an absolute one restarts from the root.
            var targetFull = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
            foreach (var piece in Path.GetFullPath(targetFull).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
            {
                pending.Push(piece);
            }

            current = Path.GetPathRoot(Path.GetFullPath(targetFull)) ?? Path.DirectorySeparatorChar.ToString();
        }

        return current;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or lies below it (ordinal comparison).</summary>
    public static bool IsInside(string path, string folder)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(folder);
        var withSeparator = folder.EndsWith(Path.DirectorySeparatorChar) ? folder : folder + Path.DirectorySeparatorChar;
        return path.StartsWith(withSeparator, StringComparison.Ordinal);
    }
}
