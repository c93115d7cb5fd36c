using Scheduler.Runs.Retries;

namespace Scheduler.Runs.Lifecycle;

/// <summary>Which job a transition schedules.</summary>
internal enum RunStepKind
{
    None,
    Submit,
    Poll,

    /// <summary>Reserve the retry of the ended run (<see cref="RetryRunJob"/>).</summary>
    Retry,
}
