using Microsoft.Extensions.Options;
using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;

namespace Scheduler.Dependencies;

/// <summary>The Hangfire job that handles an ended run's dependants (enqueued by <see cref="DependencyObserver"/>).</summary>
internal sealed class PropagateDependantsJob(DependencyPropagator propagator, IOptions<RunsOptions> options)
{
    private readonly RunFaultPoints _faults = new(options);

    /// <summary>Starts or skips the run's dependants; what is busy is left to the sweep.</summary>
    public async Task PropagateAsync(Guid runId, CancellationToken cancellationToken)
    {
        await _faults.ReachedAsync(RunFaultPoints.BeforePropagate, runId, cancellationToken).ConfigureAwait(false);
        await propagator.PropagateAsync(runId, cancellationToken).ConfigureAwait(false);
    }
}
