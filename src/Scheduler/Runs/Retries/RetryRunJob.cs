using System.ComponentModel;
using Hangfire;
using Scheduler.Runs.Recovery;

namespace Scheduler.Runs.Retries;

/// <summary>
/// The job scheduled at an ended run's <see cref="RunSummary.RetryAt"/> (it carries only the run id): reserves the
/// retry. Losing it loses nothing: recovery reserves retries that are due and missing (<see cref="RunRecoveryService"/>).
/// </summary>
[AutomaticRetry(Attempts = 10, DelaysInSeconds = [1, 2, 5, 10, 30], OnAttemptsExceeded = AttemptsExceededAction.Fail)]
internal sealed class RetryRunJob(RunRetrier retrier)
{
    /// <summary>Reserves the retry of the run (once; a busy mart leaves it to recovery).</summary>
    [DisplayName("Retry run {0}")]
    public Task RetryAsync(Guid runId, CancellationToken cancellationToken) => retrier.RetryAsync(runId, cancellationToken);
}
