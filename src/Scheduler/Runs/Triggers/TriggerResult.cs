using Scheduler.Redshift.Model;

namespace Scheduler.Runs.Triggers;

/// <summary>The result of <see cref="IRunTrigger.TriggerAsync(string, RunRequest, CancellationToken)"/>.</summary>
/// <param name="Outcome">Started, Skipped, UnknownMart or Refused.</param>
/// <param name="Run">The started run (Submitting) or the recorded Skipped run; null for an unknown mart.</param>
/// <param name="ActiveRunId">For Skipped: the run that was active.</param>
internal sealed record TriggerResult(TriggerOutcome Outcome, RunRecord? Run, Guid? ActiveRunId)
{
    public static TriggerResult Started(RunRecord run) => new(TriggerOutcome.Started, run, null);

    public static TriggerResult Skipped(RunRecord run) => new(TriggerOutcome.Skipped, run, run?.ActiveRunId);

    public static TriggerResult UnknownMart() => new(TriggerOutcome.UnknownMart, null, null);

    /// <summary>For Refused: why, in a sentence for people.</summary>
    public string? Reason { get; init; }

    public static TriggerResult Refused(string reason) => new(TriggerOutcome.Refused, null, null) { Reason = reason };

    /// <summary>For Invalid: the request field that is wrong (<c>parameters.region</c>).</summary>
    public string? Field { get; init; }

    public static TriggerResult Invalid(string field, string reason) => new(TriggerOutcome.Invalid, null, null) { Field = field, Reason = reason };

    public static TriggerResult Busy(RunRecord blocking) => new(TriggerOutcome.Busy, null, blocking?.RunId);
}
