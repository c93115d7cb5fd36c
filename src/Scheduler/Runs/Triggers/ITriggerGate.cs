using Scheduler.Marts;

namespace Scheduler.Runs.Triggers;

/// <summary>
/// Decides whether a trigger may start a run of a mart: the one place that refuses runs of disabled and paused marts
/// and everything during a global pause. <see cref="RunControl"/> asks it right after finding the mart, before anything is reserved.
/// </summary>
internal interface ITriggerGate
{
    /// <summary>Null when the trigger may go ahead; otherwise why not, in a sentence for people.</summary>
    Task<string?> CheckAsync(MartDefinition mart, RunTrigger trigger, CancellationToken cancellationToken);

    /// <summary>
    /// Null when a reserved run may be sent to Redshift for the first time now; otherwise why not (a global pause that
    /// began after the run was reserved). The submit step then waits and asks again; a run already sent is unaffected.
    /// </summary>
    Task<string?> CheckFirstSubmitAsync(CancellationToken cancellationToken);
}
