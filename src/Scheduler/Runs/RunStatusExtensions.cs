namespace Scheduler.Runs;

/// <summary>Helpers for <see cref="RunStatus"/>.</summary>
internal static class RunStatusExtensions
{
    /// <summary>The active statuses: at most one run per mart is in one of them (the ledger's unique partial index).</summary>
    public static IReadOnlyList<RunStatus> Active { get; } = [RunStatus.Queued, RunStatus.Submitting, RunStatus.Running, RunStatus.Cancelling];

    /// <summary>
    /// The active statuses in which a run holds its target's slot, when it has one (<c>slot_key</c>): all but Queued.
    /// </summary>
    public static IReadOnlyList<RunStatus> Started { get; } = [RunStatus.Submitting, RunStatus.Running, RunStatus.Cancelling];

    /// <summary>True for every status but Queued, Submitting, Running and Cancelling: the run will not change again.</summary>
    public static bool IsTerminal(this RunStatus status) => !Active.Contains(status);
}
