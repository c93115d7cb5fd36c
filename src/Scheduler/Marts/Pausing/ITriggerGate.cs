using Scheduler.Runs;

namespace Scheduler.Marts.Pausing;

/// <summary>
/// Decides whether a trigger may start a run of a mart: the one place that refuses runs of disabled and paused marts
/// and everything during a global pause. <c>MartRunner.TriggerAsync</c> asks it right after finding the mart.
/// </summary>
public interface ITriggerGate
{
    /// <summary>Null when the trigger may go ahead; otherwise why not, in a sentence for people.</summary>
    Task<string?> CheckAsync(MartDefinition mart, RunTrigger trigger, CancellationToken cancellationToken);
}
