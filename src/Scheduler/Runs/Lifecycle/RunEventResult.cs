namespace Scheduler.Runs.Lifecycle;

/// <summary>What <see cref="RunLifecycle.ApplyAsync"/> did.</summary>
/// <param name="Applied">True when the event changed the run (it was stored); false when it was refused or the run is unknown.</param>
/// <param name="Run">The run as it is now (after the change, or as it was when refused); null when unknown.</param>
internal sealed record RunEventResult(bool Applied, RunRecord? Run);
