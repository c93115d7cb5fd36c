using Scheduler.Marts.Parameters;
using Scheduler.Marts;
using Scheduler.Runs.Lifecycle;

namespace Scheduler.Runs.Triggers;

/// <summary>What a trigger asks of <see cref="RunLifecycle.ReserveAsync(Scheduler.Marts.MartDefinition, RunRequest, CancellationToken)"/>.</summary>
/// <param name="Trigger">What starts the run.</param>
internal sealed record RunRequest(RunTrigger Trigger)
{
    /// <summary>Identifies the trigger: a key used before returns that trigger's run and reserves nothing.</summary>
    public string? TriggerKey { get; init; }

    /// <summary>The date the run is for; null: now.</summary>
    public DateTimeOffset? LogicalDate { get; init; }

    /// <summary>Parameter values over the mart's defaults (checked by the caller with <c>MartParameters.CheckOverrides</c>).</summary>
    public IReadOnlyDictionary<string, string>? Parameters { get; init; }

    /// <summary>Start the marts that depend on this one when it succeeds (manual runs ask; scheduled triggers always do).</summary>
    public bool Downstream { get; init; }

    /// <summary>For a retry: the run it retries.</summary>
    public Guid? RetryOf { get; init; }

    /// <summary>1 for a first run; a retry's number.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>For a backfill's run: the backfill.</summary>
    public Guid? BackfillId { get; init; }

    /// <summary>For an upstream-triggered run: the upstream marts' Succeeded runs.</summary>
    public IReadOnlyList<Guid> UpstreamRunIds { get; init; } = [];

    /// <summary>
    /// When the mart has no free run slot (<c>MaxActiveRuns</c>) or a run for the same logical date is active: true
    /// reserves nothing (the caller tries again later, as a backfill does); false records a Skipped run (cron, manual).
    /// </summary>
    public bool WaitWhenBusy { get; init; }

    /// <summary>Record the run as Skipped with this reason instead of running it (a missed slot, a failed upstream); nothing is sent.</summary>
    public string? SkipReason { get; init; }
}
