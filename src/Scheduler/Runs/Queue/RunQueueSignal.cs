using Scheduler.Hosting;
using Scheduler.Background;

namespace Scheduler.Runs.Queue;

/// <summary>
/// Tells this instance's <see cref="RunQueueDispatcher"/> that a slot may have freed: a run holding one ended (it observes the
/// lifecycle), or a run was queued while slots were free. Each wake carries the slot key (<see cref="KeyedPassSignal.Wake(string)"/>);
/// wakes are coalesced per slot key.
/// </summary>
internal sealed class RunQueueSignal : KeyedPassSignal, IRunObserver
{
    /// <inheritdoc />
    void IRunObserver.RunEnded(RunRecord run)
    {
        if (run.SlotKey is { } key)
        {
            Wake(key);
        }
    }
}
