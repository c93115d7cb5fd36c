namespace Scheduler.Runs;

/// <summary>Helpers for <see cref="RunStatus"/>.</summary>
public static class RunStatusExtensions
{
    /// <summary>True for every status but Submitting, Running and Cancelling: the run will not change again.</summary>
    public static bool IsTerminal(this RunStatus status) =>
        status is not (RunStatus.Submitting or RunStatus.Running or RunStatus.Cancelling);
}
