namespace Scheduler.Runs.Lifecycle;

/// <summary>What <see cref="RunStateMachine.Decide"/> chose: the run as it must be stored, its next job and the notice.</summary>
internal sealed record RunTransition(RunRecord Next, RunStep Step, RunNotice Notice);
