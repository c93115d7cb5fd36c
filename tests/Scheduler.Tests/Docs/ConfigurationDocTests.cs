using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Docs;

/// <summary>
/// Every configuration key the code reads (<see cref="ConfigurationKeys"/>) has a row in docs/configuration.md with
/// its default, so adding a key without documenting it fails here. A row is <c>| `Key` | default | rule |</c>, one
/// key per row; placeholders such as <c>&lt;name&gt;</c> may be named freely.
/// </summary>
[Trait("Category", "Fast")]
public sealed class ConfigurationDocTests
{
    private static readonly IReadOnlyList<(string Key, string Default)> s_rows = ReadRows();

    public static TheoryData<string> Sources => ["options classes", "mart keys", "source literals"];

    [Theory]
    [MemberData(nameof(Sources))]
    public void ConfigurationDoc_HasEveryKeyTheCodeReads_WithItsDefault(string source)
    {
        var keys = source switch
        {
            "options classes" => ConfigurationKeys.FromOptionsClasses(),
            "mart keys" => ConfigurationKeys.FromMartKeys(),
            _ => ConfigurationKeys.FromSourceLiterals(),
        };
        Assert.NotEmpty(keys);

        var problems = new List<string>();
        foreach (var key in keys.DistinctBy(k => k.Key))
        {
            var rows = s_rows.Where(r => key.IsCoveredBy(r.Key)
                    // A mart's own key ("Poll:MaxInterval", read relative to Marts:<name>) is documented under Marts:<name>.
                    || (source == "source literals" && key.IsCoveredBy(r.Key.StartsWith("Marts:<*>:", StringComparison.Ordinal) ? r.Key["Marts:<*>:".Length..] : "")))
                .ToList();
            if (rows.Count == 0)
            {
                problems.Add($"{key.Key} (read in {key.Origin}) has no row in docs/configuration.md");
            }
            else if (key.Default is { } expected && !rows.Any(r => r.Default.Contains(expected, StringComparison.Ordinal)))
            {
                problems.Add($"{key.Key} (read in {key.Origin}): its row's default should show `{expected}`, found '{rows[0].Default}'");
            }
        }

        Assert.True(problems.Count == 0,
            "Document each key in docs/configuration.md as | `Section:Key` | default | rule |:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void ConfigurationDoc_GivesEveryRowADefault()
    {
        Assert.NotEmpty(s_rows);
        Assert.All(s_rows, row => Assert.False(string.IsNullOrWhiteSpace(row.Default), $"{row.Key} has no default (write — when there is none)"));
    }

    [Fact]
    public void IsCoveredBy_MatchesPlaceholdersAndSections()
    {
        Assert.True(new ConfigurationKey("Marts:<*>:Cron", null, "").IsCoveredBy("Marts:<*>:Cron"));
        Assert.True(new ConfigurationKey("Security:Users", null, "").IsCoveredBy("Security:Users:<*>:Role"));
        Assert.True(new ConfigurationKey("Redshift:<*>", null, "").IsCoveredBy("Redshift:Region"));
        Assert.False(new ConfigurationKey("Runs:Retention", null, "").IsCoveredBy("Runs:RetentionX"));
        Assert.False(new ConfigurationKey("Runs:Retention:Days", null, "").IsCoveredBy("Runs:Retention"));
        Assert.False(new ConfigurationKey("Marts:WatchFiles", null, "").IsCoveredBy("Marts:<*>:Cron"));
    }

    private static List<(string Key, string Default)> ReadRows()
    {
        var rows = new List<(string, string)>();
        foreach (var line in File.ReadLines(Path.Combine(RunHarness.RepositoryRoot, "docs", "configuration.md")))
        {
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (!line.TrimStart().StartsWith('|') || cells.Length < 3 || cells[0].Length < 3
                || !cells[0].StartsWith('`') || !cells[0].EndsWith('`') || cells[0].Count(c => c == '`') != 2)
            {
                continue;
            }

            rows.Add((ConfigurationKey.Normalize(cells[0].Trim('`')), cells[1]));
        }

        return rows;
    }
}
