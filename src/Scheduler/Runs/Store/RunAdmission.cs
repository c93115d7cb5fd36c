namespace Scheduler.Runs.Store;

/// <summary>
/// Whether a new run of a mart may start beside the mart's active runs: not when one of them has the same logical date,
/// nor when <see cref="NewRun.MaxActiveRuns"/> are active already. Decided by <see cref="RunStore"/> under the mart's
/// advisory lock, so the count cannot change while it decides.
/// </summary>
internal static class RunAdmission
{
    /// <summary>
    /// The run in the way of <paramref name="run"/> among <paramref name="active"/> (the mart's active runs, oldest
    /// first), or null when it may start; with the Skipped run's reason naming it.
    /// </summary>
    public static (RunRecord? Blocking, string? SkipReason) Admit(NewRun run, IReadOnlyList<RunRecord> active)
    {
        var blocking = active.FirstOrDefault(a => a.LogicalDate == run.LogicalDate) ?? (active.Count >= run.MaxActiveRuns ? active[0] : null);
        if (blocking is null)
        {
            return (null, null);
        }

        var reason = blocking.LogicalDate == run.LogicalDate
            ? $"Skipped: run {blocking.RunId} of mart '{run.Mart}' for the same logical date ({blocking.LogicalDate:O}) was still active " +
              $"({blocking.Status}, created {blocking.CreatedAt:O})."
            : $"Skipped: run {blocking.RunId} of mart '{run.Mart}' was still active ({blocking.Status}, created {blocking.CreatedAt:O}); " +
              $"at most {run.MaxActiveRuns} run(s) of the mart are active at a time (MaxActiveRuns).";
        return (blocking, reason);
    }
}
