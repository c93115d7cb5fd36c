using System.Globalization;
using Microsoft.Extensions.Logging;
using Scheduler.Marts;
using Scheduler.Marts.Dependencies;
using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;

namespace Scheduler.Dependencies;

/// <summary>
/// Starts or skips an ended run's dependants, for the run's logical date. A Succeeded run starts each dependant whose
/// upstreams all have a Succeeded run for that date (trigger <c>upstream</c>); a run that ended otherwise, with no
/// retry to follow, records a Skipped run for each dependant naming the root cause (its own end then skips the next
/// level). Idempotent: every reservation has a trigger key derived from the upstream runs, so the job that follows a
/// run's end and the sweep that re-drives it after a crash reserve each dependant's run once.
/// </summary>
internal sealed partial class DependencyPropagator(
    IMartCatalog catalog,
    IRunQueries ledger,
    RunLifecycle lifecycle,
    ITriggerGate gate,
    ILogger<DependencyPropagator> logger)
{
    /// <summary>
    /// Handles the run's dependants and, when all are handled, marks the run propagated. False when a dependant could
    /// not be reserved yet (it is busy for its run slots), or the run changed while its dependants were handled: the
    /// sweep tries again.
    /// </summary>
    public async Task<bool> PropagateAsync(Guid runId, CancellationToken cancellationToken)
    {
        var run = await ledger.GetAsync(runId, cancellationToken).ConfigureAwait(false);
        if (run is null || !run.Status.IsTerminal())
        {
            return false;
        }

        var done = !run.Downstream || await HandleDependantsAsync(run, cancellationToken).ConfigureAwait(false);
        // The mark names the version the dependants were handled on: a run changed meanwhile is handled again.
        return done && await lifecycle.MarkPropagatedAsync(run, cancellationToken).ConfigureAwait(false);
    }

    private async Task<bool> HandleDependantsAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var dependants = MartGraph.Dependants(catalog.Marts, run.Mart);
        if (dependants.Count == 0 || (run.Status != RunStatus.Succeeded && run.RetryAt is not null))
        {
            return true; // nobody depends on it, or a retry follows and its end decides
        }

        var done = true;
        foreach (var dependant in dependants)
        {
            var request = run.Status == RunStatus.Succeeded
                ? await StartRequestAsync(dependant, run, cancellationToken).ConfigureAwait(false)
                : SkipRequest(dependant, run);
            if (request is null)
            {
                continue; // another upstream has not succeeded for the date yet: its success starts the dependant
            }

            if (request.SkipReason is null && await gate.CheckAsync(dependant, RunTrigger.Upstream, cancellationToken).ConfigureAwait(false) is { } refusal
                && await gate.CheckFirstSubmitAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                // Disabled or paused: like its cron, the dependant fires nothing. (A global pause only holds the run at
                // its submit, as for a run reserved before the pause, so the date is not lost.)
                LogRefused(logger, dependant.Name, run.RunId, refusal);
                continue;
            }

            var (reserved, isNew, blocking) = await lifecycle.ReserveAsync(dependant, request, cancellationToken).ConfigureAwait(false);
            if (reserved is null)
            {
                LogBusy(logger, dependant.Name, run.LogicalDate, blocking?.RunId);
                done = false;
            }
            else if (isNew)
            {
                LogPropagated(logger, run.Mart, run.RunId, run.Status, dependant.Name, reserved.RunId, reserved.Status);
            }
        }

        return done;
    }

    private async Task<RunRequest?> StartRequestAsync(MartDefinition dependant, RunRecord run, CancellationToken cancellationToken)
    {
        var upstreamRuns = new List<Guid>(dependant.DependsOn.Count);
        foreach (var upstream in dependant.DependsOn)
        {
            var succeeded = string.Equals(upstream, run.Mart, StringComparison.Ordinal)
                ? null
                : await ledger.GetLatestSucceededAsync(upstream, run.LogicalDate, cancellationToken).ConfigureAwait(false);
            if (string.Equals(upstream, run.Mart, StringComparison.Ordinal))
            {
                upstreamRuns.Add(run.RunId);
            }
            else if (succeeded is null)
            {
                return null;
            }
            else
            {
                upstreamRuns.Add(succeeded.RunId);
            }
        }

        return new RunRequest(RunTrigger.Upstream)
        {
            TriggerKey = TriggerKeys.Downstream(dependant.Name, run.LogicalDate, upstreamRuns),
            LogicalDate = run.LogicalDate,
            UpstreamRunIds = upstreamRuns,
            Downstream = true,
            // A dependant busy with another date (MaxActiveRuns) or this date waits for the sweep instead of being skipped.
            WaitWhenBusy = true,
        };
    }

    private static RunRequest SkipRequest(MartDefinition dependant, RunRecord run)
    {
        // The root cause is the first run up the chain that did not succeed; a skip passes it on unchanged.
        var root = TriggerKeys.SkipRoot(run.TriggerKey) is { } inherited && run.Status == RunStatus.Skipped ? inherited : run.RunId;
        var date = run.LogicalDate.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var reason = root == run.RunId
            ? $"Skipped: upstream mart '{run.Mart}' run {run.RunId} for {date} ended {run.Status}; nothing was sent for this date."
            : $"Skipped: upstream mart '{run.Mart}' run {run.RunId} for {date} was skipped ({RootCause(run.Error)}); nothing was sent for this date.";
        return new RunRequest(RunTrigger.Upstream)
        {
            TriggerKey = TriggerKeys.DownstreamSkip(dependant.Name, run.LogicalDate, root),
            LogicalDate = run.LogicalDate,
            UpstreamRunIds = [run.RunId],
            Downstream = true,
            SkipReason = reason,
        };
    }

    private static string RootCause(string? error)
    {
        // "Skipped: upstream mart 'x' run … ended Failed; nothing was sent…" → "upstream mart 'x' run … ended Failed"
        var text = error ?? "upstream did not succeed";
        text = text.StartsWith("Skipped: ", StringComparison.Ordinal) ? text["Skipped: ".Length..] : text;
        var end = text.IndexOf("; nothing was sent", StringComparison.Ordinal);
        return end >= 0 ? text[..end] : text;
    }

    [LoggerMessage(EventId = 1900, Level = LogLevel.Information,
        Message = "Mart {Mart} run {RunId} ended {Status}: dependant {Dependant} got run {DependantRunId} ({DependantStatus})")]
    private static partial void LogPropagated(ILogger logger, string mart, Guid runId, RunStatus status, string dependant, Guid dependantRunId, RunStatus dependantStatus);

    [LoggerMessage(EventId = 1901, Level = LogLevel.Information,
        Message = "Dependant {Dependant} is busy (run {BlockingRunId}); its run for {LogicalDate:O} is reserved by the dependency sweep later")]
    private static partial void LogBusy(ILogger logger, string dependant, DateTimeOffset logicalDate, Guid? blockingRunId);

    [LoggerMessage(EventId = 1902, Level = LogLevel.Information, Message = "Dependant {Dependant} of run {RunId} not started: {Reason}")]
    private static partial void LogRefused(ILogger logger, string dependant, Guid runId, string reason);
}
