using Scheduler.Marts;

namespace Scheduler.Runs;

/// <summary>
/// Decides whether a trigger may start a run of a mart: the one place that refuses runs of disabled and paused marts
/// and everything during a global pause. <see cref="RunControl"/> asks it right after finding the mart, before anything is reserved.
/// </summary>
public interface ITriggerGate
{
    /// <summary>Null when the trigger may go ahead; otherwise why not, in a sentence for people.</summary>
    Task<string?> CheckAsync(MartDefinition mart, RunTrigger trigger, CancellationToken cancellationToken);
}
