namespace Scheduler.Marts.Dependencies;

/// <summary>
/// The marts' <c>DependsOn</c> edges as a graph: what is wrong with them (an unknown name, a mart depending on itself,
/// a cycle, named as <c>a → b → a</c>), the order marts run in (upstreams first) and who depends on whom.
/// </summary>
internal static class MartGraph
{
    /// <summary>The arrow used when a cycle or a chain is named.</summary>
    public const string Arrow = " → ";

    /// <summary>
    /// What is wrong with each mart's <c>DependsOn</c>, keyed by mart name: names outside <paramref name="known"/>, the
    /// mart itself, and every cycle the mart is on (each named once, starting from its first mart in input order).
    /// </summary>
    /// <param name="marts">Each mart's name and its upstreams, in configuration order.</param>
    /// <param name="known">Every defined mart name (valid or not): a name outside it is unknown.</param>
    public static IReadOnlyDictionary<string, List<DependencyProblem>> FindProblems(
        IReadOnlyList<(string Name, IReadOnlyList<string> DependsOn)> marts, IReadOnlySet<string> known)
    {
        ArgumentNullException.ThrowIfNull(marts);
        ArgumentNullException.ThrowIfNull(known);
        var problems = new Dictionary<string, List<DependencyProblem>>(StringComparer.Ordinal);
        void Add(string mart, DependencyProblem problem)
        {
            if (!problems.TryGetValue(mart, out var list))
            {
                problems[mart] = list = [];
            }

            list.Add(problem);
        }

        var edges = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, dependsOn) in marts)
        {
            var usable = new List<string>();
            for (var index = 0; index < dependsOn.Count; index++)
            {
                var upstream = dependsOn[index];
                if (string.Equals(upstream, name, StringComparison.Ordinal))
                {
                    Add(name, new DependencyProblem(index, upstream, $"a mart other than '{name}' itself (a mart cannot depend on itself: {name}{Arrow}{name})"));
                }
                else if (!known.Contains(upstream))
                {
                    Add(name, new DependencyProblem(index, upstream,
                        $"the name of a defined mart (known: {string.Join(", ", known.Order(StringComparer.Ordinal))})"));
                }
                else
                {
                    usable.Add(upstream);
                }
            }

            edges[name] = usable;
        }

        foreach (var cycle in FindCycles(marts.Select(m => m.Name).ToList(), edges))
        {
            var text = string.Join(Arrow, cycle.Append(cycle[0]));
            foreach (var mart in cycle.Distinct(StringComparer.Ordinal))
            {
                Add(mart, new DependencyProblem(null, text, $"dependencies without a cycle, but these marts depend on each other in a circle: {text}"));
            }
        }

        return problems;
    }

    /// <summary>The marts with every upstream before its dependants (ties in input order); marts on a cycle come last.</summary>
    public static IReadOnlyList<MartDefinition> Order(IReadOnlyList<MartDefinition> marts)
    {
        ArgumentNullException.ThrowIfNull(marts);
        var byName = marts.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var done = new HashSet<string>(StringComparer.Ordinal);
        var ordered = new List<MartDefinition>(marts.Count);
        bool progress;
        do
        {
            progress = false;
            foreach (var mart in marts)
            {
                if (!done.Contains(mart.Name) && mart.DependsOn.All(u => done.Contains(u) || !byName.ContainsKey(u)))
                {
                    ordered.Add(mart);
                    done.Add(mart.Name);
                    progress = true;
                }
            }
        }
        while (progress);

        ordered.AddRange(marts.Where(m => !done.Contains(m.Name)));
        return ordered;
    }

    /// <summary>The marts that name <paramref name="mart"/> in their <c>DependsOn</c>, in catalog order.</summary>
    public static IReadOnlyList<MartDefinition> Dependants(IEnumerable<MartDefinition> marts, string mart)
    {
        ArgumentNullException.ThrowIfNull(marts);
        return [.. marts.Where(m => m.DependsOn.Contains(mart, StringComparer.Ordinal))];
    }

    private static List<List<string>> FindCycles(List<string> names, Dictionary<string, List<string>> edges)
    {
        // Depth-first search; a grey node reached again closes a cycle: the path from it to here.
        var cycles = new List<List<string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 on the path, 2 finished
        var path = new List<string>();
        void Visit(string node)
        {
            state[node] = 1;
            path.Add(node);
            foreach (var next in edges.GetValueOrDefault(node) ?? [])
            {
                var s = state.GetValueOrDefault(next);
                if (s == 1)
                {
                    var cycle = path[path.IndexOf(next)..];
                    var key = string.Join("\n", cycle.Order(StringComparer.Ordinal));
                    if (seen.Add(key))
                    {
                        cycles.Add([.. cycle]);
                    }
                }
                else if (s == 0 && edges.ContainsKey(next))
                {
                    Visit(next);
                }
            }

            path.RemoveAt(path.Count - 1);
            state[node] = 2;
        }

        foreach (var name in names)
        {
            if (state.GetValueOrDefault(name) == 0)
            {
                Visit(name);
            }
        }

        return cycles;
    }
}
