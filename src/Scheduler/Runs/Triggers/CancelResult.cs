namespace Scheduler.Runs.Triggers;

/// <summary>The result of <see cref="IRunTrigger.CancelAsync"/>.</summary>
/// <param name="Outcome">Requested, NotActive or NotFound.</param>
/// <param name="Run">The run as it is after the call; null when not found.</param>
internal sealed record CancelResult(CancelOutcome Outcome, RunRecord? Run);
