using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Scheduler.Background;
using Scheduler.Hosting;
using Scheduler.Runs;
using Scheduler.Runs.Store;

namespace Scheduler.Dependencies;

/// <summary>
/// The dependency backstop: each <see cref="RunsOptions.RecoveryInterval"/>, ended runs with <c>downstream</c> that
/// ended more than <see cref="RunsOptions.RecoveryGrace"/> ago (and within <see cref="Window"/>) and whose dependants
/// were not handled are handled again: a crash after a run's end and before its dependants' reservation, a dependant
/// that was busy. Every instance runs it; trigger keys make overlaps cost reads, never a second run.
/// </summary>
internal sealed partial class DependencySweepService(
    RunSweepQueries ledger,
    DependencyPropagator propagator,
    IOptions<RunsOptions> options,
    TimeProvider timeProvider,
    ILogger<DependencySweepService> logger) : BackgroundService
{
    /// <summary>How far back the sweep looks: a dependant busy for longer than this is not started for that date.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(2);

    /// <summary>Handles the unhandled ended runs once; returns how many were looked at.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        var runs = await ledger.ListUnpropagatedAsync(now - Window, now - options.Value.RecoveryGrace, 200, cancellationToken).ConfigureAwait(false);
        foreach (var run in runs)
        {
            if (await propagator.PropagateAsync(run.RunId, cancellationToken).ConfigureAwait(false))
            {
                LogSwept(logger, run.RunId, run.Mart, run.Status);
            }
        }

        return runs.Count;
    }

    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new BackgroundPass("Dependency sweep", options.Value.RecoveryInterval, timeProvider, logger)
            .RunAsync((_, cancellationToken) => SweepOnceAsync(cancellationToken), stoppingToken);

    [LoggerMessage(EventId = 1910, Level = LogLevel.Debug, Message = "Dependants of run {RunId} ({Mart}, {Status}) handled by the sweep")]
    private static partial void LogSwept(ILogger logger, Guid runId, string mart, RunStatus status);
}
