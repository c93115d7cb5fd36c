namespace Scheduler.Runs;

/// <summary>What <see cref="RunLedger.ReserveAsync"/> did: <paramref name="Run"/> is Submitting (reserved) or Skipped.</summary>
/// <param name="Run">The reserved or skipped run, or the run an already-used trigger key made.</param>
/// <param name="IsNew">False when the trigger key had been used: nothing was inserted.</param>
internal sealed record ReserveResult(RunRecord Run, bool IsNew);
