using System.Text;
using System.Text.RegularExpressions;

namespace Scheduler.Tests.Docs;

/// <summary>Reads the relative links and the heading anchors of a Markdown file, as GitHub renders them.</summary>
internal static partial class MarkdownLinks
{
    /// <summary>Link targets (<c>[text](target)</c>, <c>![alt](target)</c>, <c>[ref]: target</c>) outside code, with line numbers.</summary>
    public static IEnumerable<(int Line, string Target)> Targets(string markdown)
    {
        var inFence = false;
        var number = 0;
        foreach (var raw in markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            number++;
            if (raw.TrimStart().StartsWith("```", StringComparison.Ordinal) || raw.TrimStart().StartsWith("~~~", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence)
            {
                continue;
            }

            var line = InlineCode().Replace(raw, "");
            foreach (Match match in InlineLink().Matches(line))
            {
                yield return (number, match.Groups["target"].Value);
            }

            if (ReferenceDefinition().Match(line) is { Success: true } definition)
            {
                yield return (number, definition.Groups["target"].Value);
            }
        }
    }

    /// <summary>The anchors of the file's headings: GitHub's slugs, a repeated one suffixed <c>-1</c>, <c>-2</c>, ….</summary>
    public static IReadOnlySet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var inFence = false;
        foreach (var line in markdown.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal) || line.TrimStart().StartsWith("~~~", StringComparison.Ordinal))
            {
                inFence = !inFence;
                continue;
            }

            if (inFence || Heading().Match(line) is not { Success: true } heading)
            {
                continue;
            }

            var slug = Slug(heading.Groups["text"].Value);
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }

        return anchors;
    }

    /// <summary>
    /// GitHub's heading anchor: the rendered text (link targets, emphasis and code marks dropped), lower-cased, with
    /// every character but letters, marks, digits, connector punctuation (<c>_</c>), spaces and hyphens removed, and
    /// each space made a hyphen.
    /// </summary>
    public static string Slug(string heading)
    {
        var text = HeadingLink().Replace(heading.Trim(), "${text}");
        var slug = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            var category = char.GetUnicodeCategory(c);
            if (c == ' ')
            {
                slug.Append('-');
            }
            else if (c == '-' || char.IsLetterOrDigit(c) || category is System.Globalization.UnicodeCategory.ConnectorPunctuation
                     or System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark)
            {
                slug.Append(c);
            }
        }

        return slug.ToString();
    }

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"!?\[[^\]]*\]\((?<target>[^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s+(?<target>\S+)")]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"^#{1,6}\s+(?<text>.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"!?\[(?<text>[^\]]*)\]\([^)]*\)")]
    private static partial Regex HeadingLink();
}
