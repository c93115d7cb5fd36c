namespace Scheduler.Runs;

/// <summary>Helpers for <see cref="RunStatus"/>.</summary>
public static class RunStatusExtensions
{
    /// <summary>The active statuses: at most one run per mart is in one of them (the ledger's unique partial index).</summary>
    public static IReadOnlyList<RunStatus> Active { get; } = [RunStatus.Submitting, RunStatus.Running, RunStatus.Cancelling];

    /// <summary>True for every status but Submitting, Running and Cancelling: the run will not change again.</summary>
    public static bool IsTerminal(this RunStatus status) => !Active.Contains(status);
}
