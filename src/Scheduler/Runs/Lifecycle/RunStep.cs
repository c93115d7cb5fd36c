namespace Scheduler.Runs.Lifecycle;

/// <summary>The job a transition asks for: a submit step, a poll (at the run's new attempt) or
/// the retry of an ended run,, due at <see cref="At"/>.</summary>
internal readonly record struct RunStep(RunStepKind Kind, DateTimeOffset At)
{
    public static RunStep None => default;

    public static RunStep Submit(DateTimeOffset at) => new(RunStepKind.Submit, at);

    public static RunStep Poll(DateTimeOffset at) => new(RunStepKind.Poll, at);

    public static RunStep Retry(DateTimeOffset at) => new(RunStepKind.Retry, at);
}
