using Microsoft.Extensions.Logging;
using Scheduler.Marts.Dependencies;

namespace Scheduler.Marts.Live;

/// <summary>
/// The marts as they are now, replaced as a whole on every reload (readers never see half an update). A broken
/// definition of a mart that was valid keeps the last valid version in force (stale); a mart that was never valid is
/// listed with its problems and cannot run. <see cref="IMartCatalog.Marts"/> is the definitions in force.
/// </summary>
internal sealed partial class LiveMartCatalog : IMartCatalog
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<LiveMartCatalog> _logger;
    private volatile State _state;

    /// <summary>Creates the catalog from the start-up read.</summary>
    public LiveMartCatalog(MartConfigurationResult initial, TimeProvider timeProvider, ILogger<LiveMartCatalog> logger)
    {
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _logger = logger;
        var snapshot = Merge(new MartCatalogSnapshot(0, [], [], timeProvider.GetUtcNow()), initial, 1, timeProvider.GetUtcNow());
        _state = new State(snapshot);
    }

    /// <summary>Raised after every change, on the thread that applied it.</summary>
    public event EventHandler<MartCatalogSnapshot>? Changed;

    /// <summary>The current snapshot.</summary>
    public MartCatalogSnapshot Snapshot => _state.Snapshot;

    /// <inheritdoc />
    public IReadOnlyList<MartDefinition> Marts => _state.Definitions;

    /// <inheritdoc />
    public MartDefinition? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _state.ByName.GetValueOrDefault(name);
    }

    /// <summary>The state of one mart (valid, stale or invalid), or null.</summary>
    public MartState? FindState(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _state.Snapshot.Marts.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));
    }

    /// <summary>Applies a fresh read; returns true (and raises <see cref="Changed"/>) when anything changed.</summary>
    public bool Apply(MartConfigurationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        MartCatalogSnapshot next;
        lock (_lock)
        {
            var current = _state.Snapshot;
            next = Merge(current, result, current.Version + 1, _timeProvider.GetUtcNow());
            if (SameContent(current, next))
            {
                _state = new State(current with { LoadedAt = next.LoadedAt });
                return false;
            }

            _state = new State(next);
        }

        foreach (var mart in next.Marts.Where(m => m.Problems.Count > 0))
        {
            LogProblems(_logger, mart.Name, mart.Status, string.Join("; ", mart.Problems));
        }

        foreach (var problem in next.GlobalProblems)
        {
            LogGlobalProblem(_logger, problem.ToString());
        }

        var valid = next.Marts.Count(m => m.Status == MartStatus.Valid);
        var stale = next.Marts.Count(m => m.Status == MartStatus.Stale);
        LogChanged(_logger, next.Version, valid, stale, next.Marts.Count - valid - stale);
        Changed?.Invoke(this, next);
        return true;
    }

    private static MartCatalogSnapshot Merge(MartCatalogSnapshot current, MartConfigurationResult result, long version, DateTimeOffset now)
    {
        if (result.GlobalProblems.Count > 0)
        {
            // Without a usable Sql:Root or endpoint every mart would look deleted: keep them all as they were.
            return current with { Version = version, GlobalProblems = result.GlobalProblems, LoadedAt = now };
        }

        var previous = current.Marts.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var marts = new List<MartState>(result.Entries.Count);
        foreach (var entry in result.Entries)
        {
            var inForce = entry.Definition ?? previous.GetValueOrDefault(entry.Name)?.Definition;
            marts.Add(new MartState(entry.Name, entry.Source, inForce, entry.Problems, entry.SqlFile, entry.Cron));
        }

        RefuseNewCycles(marts, result.Entries, previous);
        return new MartCatalogSnapshot(version, marts, [], now);
    }

    /// <summary>
    /// A reload checked each new definition's <c>DependsOn</c> against the other new ones; here it is checked against
    /// what is really in force, stale definitions included. A new definition that would close a cycle (or name a mart
    /// that no longer exists) is refused like any invalid one: the mart's last valid version stays in force.
    /// </summary>
    private static void RefuseNewCycles(List<MartState> marts, IReadOnlyList<MartEntry> entries, Dictionary<string, MartState> previous)
    {
        var isNew = entries.Where(e => e.Definition is not null).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var known = marts.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        for (var round = 0; round <= marts.Count; round++)
        {
            var problems = MartGraph.FindProblems(
                [.. marts.Where(m => m.Definition is not null).Select(m => (m.Name, m.Definition!.DependsOn))], known);
            var refused = false;
            for (var index = 0; index < marts.Count; index++)
            {
                var mart = marts[index];
                if (isNew.Contains(mart.Name) && problems.TryGetValue(mart.Name, out var found))
                {
                    isNew.Remove(mart.Name);
                    marts[index] = mart with
                    {
                        Definition = previous.GetValueOrDefault(mart.Name)?.Definition,
                        Problems = [.. mart.Problems, .. found.Select(p => MartConfiguration.ToConfigurationProblem(mart.Name, mart.Source, p))],
                    };
                    refused = true;
                }
            }

            if (!refused)
            {
                return;
            }
        }
    }

    private static bool SameContent(MartCatalogSnapshot a, MartCatalogSnapshot b) =>
        a.GlobalProblems.SequenceEqual(b.GlobalProblems)
        && a.Marts.Count == b.Marts.Count
        && a.Marts.Zip(b.Marts).All(pair =>
            pair.First.Name == pair.Second.Name
            && pair.First.Source == pair.Second.Source
            && Equals(pair.First.Definition, pair.Second.Definition)
            && pair.First.Problems.SequenceEqual(pair.Second.Problems)
            && pair.First.SqlFile == pair.Second.SqlFile
            && pair.First.Cron == pair.Second.Cron);

    [LoggerMessage(EventId = 1700, Level = LogLevel.Warning, Message = "Mart {Mart} is {Status}: {Problems}")]
    private static partial void LogProblems(ILogger logger, string mart, MartStatus status, string problems);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Warning, Message = "Marts not reloaded (the last ones stay in force): {Problem}")]
    private static partial void LogGlobalProblem(ILogger logger, string problem);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Information, Message = "Marts reloaded (version {Version}): {Valid} valid, {Stale} stale, {Invalid} invalid")]
    private static partial void LogChanged(ILogger logger, long version, int valid, int stale, int invalid);

    private sealed class State
    {
        public State(MartCatalogSnapshot snapshot)
        {
            Snapshot = snapshot;
            Definitions = [.. snapshot.Marts.Where(m => m.Definition is not null).Select(m => m.Definition!)];
            ByName = Definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);
        }

        public MartCatalogSnapshot Snapshot { get; }

        public IReadOnlyList<MartDefinition> Definitions { get; }

        public Dictionary<string, MartDefinition> ByName { get; }
    }
}
