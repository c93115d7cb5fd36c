using Scheduler.Marts.Dependencies;
using Scheduler.Runs;
using Scheduler.Marts.Live;
using Scheduler.Pausing;

namespace Scheduler.Api;

/// <summary>Builds the <see cref="MartSummary"/> list that the API and the Marts page both show.</summary>
internal static class MartSummaries
{
    /// <summary>Every mart of the snapshot, valid or not, with its pause and last run.</summary>
    public static IReadOnlyList<MartSummary> Build(
        MartCatalogSnapshot snapshot, PauseState pauses, IReadOnlyDictionary<string, RunSummary> lastRuns, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(pauses);
        ArgumentNullException.ThrowIfNull(lastRuns);
        var definitions = snapshot.Marts.Where(m => m.Definition is not null).Select(m => m.Definition!).ToList();
        return [.. snapshot.Marts.Select(state => Build(state, pauses, lastRuns.GetValueOrDefault(state.Name), now) with
        {
            DependsOn = state.Definition?.DependsOn ?? [],
            Dependants = [.. MartGraph.Dependants(definitions, state.Name).Select(d => d.Name)],
        })];
    }

    private static MartSummary Build(MartState state, PauseState pauses, RunSummary? lastRun, DateTimeOffset now)
    {
        var pause = pauses.For(state.Name);
        var problems = state.Problems.Select(MartProblem.From).ToList();
        var mart = state.Definition;
        if (mart is null)
        {
            return new MartSummary(state.Name, state.SqlFile, state.Cron, "Not scheduled: the definition has problems", null, false, null, null, null, lastRun)
            {
                Status = state.Status,
                Source = state.Source,
                Paused = pause is not null,
                PausedAt = pause?.PausedAt,
                PausedBy = pause?.PausedBy,
                Problems = problems,
            };
        }

        // A paused mart fires no cron run, so it has no next fire time to show.
        var next = pause is null ? MartSchedule.NextFireAt(mart, now) : null;
        return new MartSummary(
            mart.Name,
            mart.SqlFile,
            mart.Cron,
            MartSchedule.Describe(mart) + (pause is null ? "" : " (paused)"),
            mart.TimeZone.Id,
            mart.Enabled,
            mart.Timeout,
            next,
            next is { } n ? MartSchedule.InZone(n, mart.TimeZone) : null,
            lastRun)
        {
            Status = state.Status,
            Source = state.Source,
            Paused = pause is not null,
            PausedAt = pause?.PausedAt,
            PausedBy = pause?.PausedBy,
            Problems = problems,
        };
    }
}
