using System.Globalization;
using Microsoft.Extensions.Configuration;
using Scheduler.Configuration;
using Scheduler.Marts.Dependencies;

namespace Scheduler.Marts;

/// <content><c>DependsOn</c>: reading the list, and checking the marts' dependencies against each other.</content>
internal static partial class MartConfiguration
{
    /// <summary>
    /// <c>DependsOn</c>: a list (<c>DependsOn:0</c>, <c>DependsOn:1</c>; in a definition file a JSON array), or one name
    /// as a plain value (an environment variable). Names are checked against each other by <see cref="CheckDependencies"/>.
    /// </summary>
    private static List<string> ReadDependsOn(IConfiguration section, string prefix, List<ConfigurationProblem> problems)
    {
        var names = new List<string>();
        var children = section.GetSection("DependsOn").GetChildren().ToList();
        var values = children.Count > 0
            ? children.Select(c => (Key: $"{prefix}:DependsOn:{c.Key}", c.Value, Nested: c.GetChildren().Any()))
            : section["DependsOn"] is { Length: > 0 } single ? [($"{prefix}:DependsOn", (string?)single, false)] : [];
        foreach (var (key, value, nested) in values)
        {
            if (nested || string.IsNullOrWhiteSpace(value) || !SafeName().IsMatch(value.Trim()))
            {
                problems.Add(new(key, value, "the name of a mart this one reads from (in JSON: \"DependsOn\": [\"orders_clean\"])"));
            }
            else if (!names.Contains(value.Trim(), StringComparer.Ordinal))
            {
                names.Add(value.Trim());
            }
        }

        return names;
    }

    /// <summary>
    /// Checks every valid mart's <c>DependsOn</c> against the others: an unknown name, the mart itself or a cycle makes
    /// the mart invalid (so a live reload keeps its last valid version in force), with a problem naming the cycle.
    /// </summary>
    private static List<MartEntry> CheckDependencies(List<MartEntry> entries)
    {
        var known = entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var problems = Dependencies.MartGraph.FindProblems(
            [.. entries.Where(e => e.Definition is not null).Select(e => (e.Name, e.Definition!.DependsOn))], known);
        if (problems.Count == 0)
        {
            return entries;
        }

        return [.. entries.Select(e => problems.TryGetValue(e.Name, out var found) && e.Definition is not null
            ? e with { Definition = null, Problems = [.. e.Problems, .. found.Select(p => ToConfigurationProblem(e.Name, e.Source, p))] }
            : e)];
    }

    /// <summary>A <see cref="Dependencies.DependencyProblem"/> as a problem of the mart's <c>DependsOn</c> key.</summary>
    internal static ConfigurationProblem ToConfigurationProblem(string mart, string source, Dependencies.DependencyProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var key = problem.Index is { } index ? $"{source}:DependsOn:{index.ToString(CultureInfo.InvariantCulture)}" : $"{source}:DependsOn";
        return new ConfigurationProblem(key, problem.Value, problem.Expected)
        {
            Mart = mart,
            File = source.StartsWith("Marts:", StringComparison.Ordinal) ? null : source,
        };
    }
}
