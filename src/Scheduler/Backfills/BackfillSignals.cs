using Scheduler.Hosting;
using Scheduler.Runs;
using Scheduler.Background;

namespace Scheduler.Backfills;

/// <summary>
/// The <see cref="IRunObserver"/> that wakes backfills: a run of a mart ending frees a slot, so that mart's running
/// backfills are driven (by <see cref="BackfillSweepService"/>, never on the caller's thread, which is storing a run change).
/// Each wake carries the mart's name.
/// </summary>
internal sealed class BackfillSignals : KeyedPassSignal, IRunObserver
{
    /// <inheritdoc />
    public void RunEnded(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Wake(run.Mart);
    }
}
