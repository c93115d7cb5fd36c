using Scheduler.Marts.Parameters;
using Scheduler.Marts;
using Scheduler.Runs.Lifecycle;

namespace Scheduler.Runs.Triggers;

/// <summary>The <see cref="IRunTrigger"/>: "Run now", cron triggers and cancels, as events of <see cref="RunLifecycle"/>.</summary>
internal sealed class RunControl(IMartCatalog catalog, ITriggerGate gate, RunLifecycle lifecycle) : IRunTrigger
{
    /// <inheritdoc />
    public Task<TriggerResult> TriggerAsync(string martName, RunTrigger trigger, CancellationToken cancellationToken) =>
        TriggerAsync(martName, new RunRequest(trigger), cancellationToken);

    /// <summary>
    /// As <see cref="TriggerAsync(string, RunTrigger, CancellationToken)"/>; a <paramref name="triggerKey"/> used before
    /// returns that trigger's run instead of reserving another (a Hangfire trigger job that runs twice starts one run).
    /// </summary>
    internal Task<TriggerResult> TriggerAsync(string martName, RunTrigger trigger, string? triggerKey, CancellationToken cancellationToken) =>
        TriggerAsync(martName, new RunRequest(trigger) { TriggerKey = triggerKey }, cancellationToken);

    /// <inheritdoc />
    public async Task<TriggerResult> TriggerAsync(string martName, RunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(martName);
        ArgumentNullException.ThrowIfNull(request);
        if (catalog.Find(martName) is not { } mart)
        {
            return TriggerResult.UnknownMart();
        }

        if (MartParameters.CheckOverrides(mart, request.Parameters) is [var (field, problem), ..])
        {
            return TriggerResult.Invalid(field, $"{field}: expected {problem}.");
        }

        if (await gate.CheckAsync(mart, request.Trigger, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return TriggerResult.Refused(refusal);
        }

        var (run, _, blocking) = await lifecycle.ReserveAsync(mart, request, cancellationToken).ConfigureAwait(false);
        return run is null ? TriggerResult.Busy(blocking!)
            : run.Status == RunStatus.Skipped ? TriggerResult.Skipped(run)
            : TriggerResult.Started(run);
    }

    /// <inheritdoc />
    public async Task<CancelResult> CancelAsync(Guid runId, CancellationToken cancellationToken)
    {
        var result = await lifecycle.ApplyAsync(runId, new RunEvent.CancelRequested(), cancellationToken).ConfigureAwait(false);
        return result.Run switch
        {
            null => new CancelResult(CancelOutcome.NotFound, null),
            // Refused because a cancel is already under way still answers "requested": the run is being cancelled.
            { Status: var status } when result.Applied || status == RunStatus.Cancelling => new CancelResult(CancelOutcome.Requested, result.Run),
            _ => new CancelResult(CancelOutcome.NotActive, result.Run),
        };
    }
}
