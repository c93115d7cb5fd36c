using Hangfire;
using Scheduler.Marts;
using Scheduler.Marts.Dependencies;
using Scheduler.Runs;

namespace Scheduler.Dependencies;

/// <summary>
/// Hears a run end and, when the run starts dependants and its mart has any, enqueues <see cref="PropagateDependantsJob"/>.
/// A crash before the job runs (or before it is enqueued) is covered by <see cref="DependencySweepService"/>.
/// </summary>
internal sealed class DependencyObserver(IMartCatalog catalog, IBackgroundJobClient jobs) : IRunObserver
{
    /// <inheritdoc />
    public void RunEnded(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (!run.Downstream || MartGraph.Dependants(catalog.Marts, run.Mart).Count == 0)
        {
            return; // the sweep marks it handled
        }

        var runId = run.RunId;
        jobs.Enqueue<PropagateDependantsJob>(job => job.PropagateAsync(runId, CancellationToken.None));
    }
}
