using Scheduler.Tests.Packaging;

namespace Scheduler.Tests.Architecture;

/// <summary>Reads the table of areas in docs/architecture.md: each area and the areas it may use.</summary>
internal static class ArchitectureDoc
{
    /// <summary>Area → the areas it may use, from the rows <c>| `Area` | owns | `A`, `B` |</c> of the "Areas" table.</summary>
    public static Dictionary<string, HashSet<string>> AllowedUses()
    {
        var allowed = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var inTable = false;
        foreach (var line in File.ReadLines(RepositoryFiles.PathOf("docs/architecture.md")))
        {
            if (line.StartsWith('#'))
            {
                inTable = line.Trim() == "## Areas";
                continue;
            }

            if (!inTable || !line.StartsWith("| `", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Split('|', StringSplitOptions.TrimEntries);
            // "| `Area` | owns | uses |" splits into ["", "`Area`", "owns", "uses", ""].
            var area = cells[1].Trim('`');
            var uses = cells[^2].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(u => u.Trim('`'))
                .Where(u => u is not ("—" or "-" or "nothing"))
                .ToHashSet(StringComparer.Ordinal);
            Assert.True(allowed.TryAdd(area, uses), $"docs/architecture.md lists area {area} twice");
        }

        Assert.True(allowed.Count > 0, "docs/architecture.md has no \"## Areas\" table");
        return allowed;
    }
}
