using System.Text.RegularExpressions;
using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Retention;
using Scheduler.Runs.Store;
using Scheduler.Tests.Packaging;

namespace Scheduler.Tests.Architecture;

/// <summary>
/// The structure docs/architecture.md describes, checked against the compiled assembly and the sources: areas depend
/// only as the doc's table allows (so never in a cycle), only the runs store's own folder writes SQL on <c>runs</c>,
/// and only the lifecycle and retention can obtain the write store.
/// </summary>
[Trait("Category", "Fast")]
public sealed partial class ArchitectureTests
{
    private static readonly Lazy<AreaGraph> s_graph = new(() => AreaGraph.Load(typeof(Scheduler.Runs.RunStatus).Assembly.Location));

    [Fact]
    public void Areas_HaveNoDependencyCycle()
    {
        var edges = s_graph.Value.AreaEdges();
        var cycles = AreaCycles.Find(edges.ToDictionary(e => e.Key, e => (IReadOnlyCollection<string>)e.Value.Keys, StringComparer.Ordinal));
        var message = string.Join("\n", cycles.Select(cycle =>
            "cycle " + string.Join(" → ", cycle.Append(cycle[0])) + ":\n" + string.Join("\n", cycle.Select((from, i) =>
            {
                var to = cycle[(i + 1) % cycle.Count];
                return $"  {from} → {to}: {edges[from][to].Order(StringComparer.Ordinal).First()}";
            }))));
        Assert.True(cycles.Count == 0, message);
    }

    [Fact]
    public void Areas_DependOnlyAsTheArchitectureDocSays()
    {
        var allowed = ArchitectureDoc.AllowedUses();
        var edges = s_graph.Value.AreaEdges();
        var areas = s_graph.Value.TypeUses.Keys.Select(AreaGraph.AreaOf).OfType<string>().Where(a => a != "(root)").ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        problems.AddRange(areas.Where(a => !allowed.ContainsKey(a)).Order(StringComparer.Ordinal)
            .Select(a => $"area {a} is not in docs/architecture.md's table of areas"));
        problems.AddRange(allowed.Keys.Where(a => !areas.Contains(a)).Order(StringComparer.Ordinal)
            .Select(a => $"docs/architecture.md lists area {a}, which has no types"));
        foreach (var (from, targets) in edges.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            foreach (var (to, why) in targets.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                if (allowed.TryGetValue(from, out var may) && !may.Contains(to))
                {
                    problems.Add($"{from} uses {to}, which docs/architecture.md does not allow ({why.Order(StringComparer.Ordinal).First()})");
                }
            }
        }

        foreach (var (from, may) in allowed.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            foreach (var to in may.Order(StringComparer.Ordinal))
            {
                if (areas.Contains(from) && !(edges.TryGetValue(from, out var targets) && targets.ContainsKey(to)))
                {
                    problems.Add($"docs/architecture.md says {from} may use {to}, but it does not: remove it from the table");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void OnlyTheRunsStoreWritesSqlOnRuns()
    {
        var source = RepositoryFiles.PathOf("src/Scheduler");
        var store = Path.Combine(source, "Runs", "Store") + Path.DirectorySeparatorChar;
        var migrations = Path.Combine(source, "Database") + Path.DirectorySeparatorChar;
        var offenders = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(store, StringComparison.Ordinal) && !f.StartsWith(migrations, StringComparison.Ordinal))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => RunsTableSql().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(source, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();
        Assert.True(offenders.Count == 0, "SQL on the runs table outside src/Scheduler/Runs/Store:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void OnlyTheLifecycleAndRetentionObtainTheWriteStore()
    {
        var writeStore = typeof(Scheduler.Runs.Store.RunStore).FullName!;
        var users = s_graph.Value.TypeUses
            .Where(t => t.Value.Contains(writeStore))
            .Select(t => t.Key)
            .Where(t => !AllowedWriters.Contains(t) && AreaGraph.NamespaceOf(t) != "Scheduler.Runs.Store")
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(users.Count == 0, $"{writeStore} may only be used by {string.Join(", ", AllowedWriters)}; also used by:\n" + string.Join("\n", users));
    }

    [Fact]
    public void NoJobWritesARun()
    {
        var writeStore = typeof(Scheduler.Runs.Store.RunStore).FullName!;
        // Retention's job is the one exception by design: it deletes ended runs past their retention and decides nothing.
        var jobs = s_graph.Value.TypeUses
            .Where(t => t.Key.EndsWith("Job", StringComparison.Ordinal) && t.Value.Contains(writeStore))
            .Where(t => t.Key != typeof(Scheduler.Runs.Retention.RunRetentionJob).FullName)
            .Select(t => t.Key)
            .ToList();
        Assert.True(jobs.Count == 0, "jobs deliver events to the lifecycle; these use the write store:\n" + string.Join("\n", jobs));
    }

    [Fact]
    public void TheGraphSeesDependenciesInsideMethodBodiesAndLambdas()
    {
        // The rules above are only as good as the reader: a use that appears only inside a lambda or an async method
        // (the lifecycle calling the store from an async method) must be seen.
        var lifecycle = s_graph.Value.TypeUses[typeof(Scheduler.Runs.Lifecycle.RunLifecycle).FullName!];
        Assert.Contains(typeof(Scheduler.Runs.Store.RunStore).FullName!, lifecycle);
    }

    private static readonly string[] AllowedWriters =
    [
        typeof(Scheduler.Runs.Lifecycle.RunLifecycle).FullName!,
        typeof(Scheduler.Runs.Retention.RunRetentionJob).FullName!,
        typeof(Scheduler.Runs.RunsServiceCollectionExtensions).FullName!,
    ];

    /// <summary>A SQL statement naming the runs table (optionally schema-qualified or interpolated).</summary>
    [GeneratedRegex("""(?i)\b(from|join|update|into|table)\s+(\{[^}]+\}\.|"?\w+"?\.)?"?runs"?(\s|$|;|"|\))""")]
    private static partial Regex RunsTableSql();
}
