using System.Text.RegularExpressions;

namespace Scheduler.Tests.Packaging;

/// <summary>.dockerignore patterns (Go filepath.Match with <c>**</c>, and <c>!</c> exceptions; the last match wins).</summary>
internal sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude)> _rules;

    private DockerIgnore(List<(Regex Pattern, bool Exclude)> rules) => _rules = rules;

    public static DockerIgnore Load(string path)
    {
        var rules = new List<(Regex, bool)>();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclude = !line.StartsWith('!');
            var pattern = line.TrimStart('!').Trim('/');
            var regex = "^" + Regex.Escape(pattern)
                .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
                .Replace(@"\*\*", ".*", StringComparison.Ordinal)
                .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
                .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "(/.*)?$";
            rules.Add((new Regex(regex, RegexOptions.CultureInvariant), exclude));
        }

        return new DockerIgnore(rules);
    }

    /// <summary>True when the repository-relative path (or a folder above it) is left out of the build context.</summary>
    public bool Excludes(string relativePath)
    {
        var excluded = false;
        foreach (var (pattern, exclude) in _rules)
        {
            if (pattern.IsMatch(relativePath))
            {
                excluded = exclude;
            }
        }

        return excluded;
    }
}
