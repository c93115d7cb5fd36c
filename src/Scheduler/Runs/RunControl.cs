using Scheduler.Marts;

namespace Scheduler.Runs;

/// <summary>The <see cref="IRunTrigger"/>: "Run now", cron triggers and cancels, as events of <see cref="RunLifecycle"/>.</summary>
public sealed class RunControl(IMartCatalog catalog, ITriggerGate gate, RunLifecycle lifecycle) : IRunTrigger
{
    /// <inheritdoc />
    public Task<TriggerResult> TriggerAsync(string martName, RunTrigger trigger, CancellationToken cancellationToken) =>
        TriggerAsync(martName, trigger, triggerKey: null, cancellationToken);

    /// <summary>
    /// As <see cref="TriggerAsync(string, RunTrigger, CancellationToken)"/>; a <paramref name="triggerKey"/> used before
    /// returns that trigger's run instead of reserving another (a Hangfire trigger job that runs twice starts one run).
    /// </summary>
    internal async Task<TriggerResult> TriggerAsync(string martName, RunTrigger trigger, string? triggerKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(martName);
        if (catalog.Find(martName) is not { } mart)
        {
            return TriggerResult.UnknownMart();
        }

        if (await gate.CheckAsync(mart, trigger, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return TriggerResult.Refused(refusal);
        }

        var (run, _) = await lifecycle.ReserveAsync(mart, trigger, triggerKey, cancellationToken).ConfigureAwait(false);
        return run.Status == RunStatus.Skipped ? TriggerResult.Skipped(run) : TriggerResult.Started(run);
    }

    /// <inheritdoc />
    public async Task<CancelResult> CancelAsync(Guid runId, CancellationToken cancellationToken)
    {
        var result = await lifecycle.ApplyAsync(runId, RunEvent.CancelRequested(), cancellationToken).ConfigureAwait(false);
        return result.Run switch
        {
            null => new CancelResult(CancelOutcome.NotFound, null),
            // Refused because a cancel is already under way still answers "requested": the run is being cancelled.
            { Status: var status } when result.Applied || status == RunStatus.Cancelling => new CancelResult(CancelOutcome.Requested, result.Run),
            _ => new CancelResult(CancelOutcome.NotActive, result.Run),
        };
    }
}
