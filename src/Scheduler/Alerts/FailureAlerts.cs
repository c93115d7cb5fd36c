using Hangfire;
using Scheduler.Marts;
using Scheduler.Runs;
using Scheduler.Sql;

namespace Scheduler.Alerts;

/// <summary>
/// Turns a run's failure, or a cancel whose outcome Redshift has not confirmed in time, into a webhook delivery job. It
/// observes the run lifecycle (<see cref="IRunObserver"/>), which calls it once per change; delivery then happens in a Hangfire job with its own retries, so a slow or broken
/// receiver never delays or fails the run, and a restart does not lose a pending alert.
/// </summary>
internal sealed class FailureAlerts(AlertSettings settings, Scheduler.Marts.IMartCatalog catalog, IBackgroundJobClient jobs, ILogger<FailureAlerts> logger) : IRunObserver
{
    /// <summary>The terminal statuses that raise an alert.</summary>
    public static readonly IReadOnlySet<string> AlertingStatuses = new HashSet<string>(StringComparer.Ordinal) { "Failed", "TimedOut", "Lost" };

    /// <summary>
    /// Enqueues a webhook delivery when the run ended Failed, TimedOut or Lost, no retry follows it (its
    /// <see cref="RunSummary.RetryAt"/> is null: the last attempt), and its mart has a webhook. The alert names the attempts.
    /// </summary>
    /// <returns>The delivery job's id, or null when nothing was enqueued.</returns>
    public string? RunEnded(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (run.RetryAt is not null)
        {
            return null; // a retry follows: one alert, after the last attempt
        }

        return RunEnded(run.Mart, run.RunId.ToString("D"), run.Status.ToString(), RunMetrics.TriggerName(run.Trigger), run.Error,
            run.CreatedAt, run.CompletedAt, run.LogicalDate, run.Attempt);
    }

    /// <summary>
    /// Enqueues a webhook delivery saying the run's outcome is not known yet: a cancel (or the timeout's cancel) that
    /// Redshift has not confirmed within <c>Runs:CancelGrace</c>, while the run stays active and the cancel is retried.
    /// </summary>
    /// <returns>The delivery job's id, or null when nothing was enqueued.</returns>
    public string? OutcomeUnconfirmed(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var runId = run.RunId.ToString("D");
        if (settings.WebhookFor(run.Mart) is null)
        {
            return null;
        }

        var alert = new RunFailureAlert(
            $"{runId}:unconfirmed", run.Mart, runId, run.Status.ToString(), RunMetrics.TriggerName(run.Trigger), run.StatusReason,
            run.CreatedAt, null, settings.RunLink(runId),
            $"Scheduler: mart '{run.Mart}' run {runId} for {run.LogicalDate:yyyy-MM-dd HH:mm}Z: outcome unconfirmed: {run.StatusReason}")
        {
            LogicalDate = run.LogicalDate,
            Attempts = run.Attempt,
        };
        return Enqueue(alert, run.Mart, runId, "unconfirmed");
    }

    void IRunObserver.RunEnded(RunRecord run) => RunEnded(run);

    void IRunObserver.OutcomeUnconfirmed(RunRecord run) => OutcomeUnconfirmed(run);

    // The retry a run was waiting for will not be made: that run was the last attempt after all.
    void IRunObserver.RetryAbandoned(RunRecord run) => RunEnded(run);

    /// <summary>
    /// Enqueues a webhook delivery when <paramref name="status"/> is Failed, TimedOut or Lost and the mart has a webhook.
    /// Never throws for a delivery problem: an error here is logged, because the run's outcome is already recorded.
    /// </summary>
    /// <returns>The delivery job's id, or null when nothing was enqueued.</returns>
    public string? RunEnded(string mart, string runId, string status, string trigger, string? error,
        DateTimeOffset? createdAt, DateTimeOffset? completedAt, DateTimeOffset? logicalDate = null, int attempts = 1)
    {
        ArgumentNullException.ThrowIfNull(mart);
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(status);
        if (!AlertingStatuses.Contains(status) || settings.WebhookFor(mart, catalog) is null)
        {
            return null;
        }

        // The run's error may quote SQL with credentials; the alert body and Hangfire's job data must not.
        error = SecretRedactor.Redact(error);
        var alert = new RunFailureAlert(
            $"{runId}:{status}", mart, runId, status, trigger, error, createdAt, completedAt, settings.RunLink(runId),
            $"Scheduler: mart '{mart}' run {runId}" +
            (logicalDate is { } date ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" for {date:yyyy-MM-dd HH:mm}Z") : "") +
            $" ended {status}" + (attempts > 1 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" after {attempts} attempts") : "") +
            (string.IsNullOrWhiteSpace(error) ? "" : ": " + Shorten(error)))
        {
            LogicalDate = logicalDate,
            Attempts = attempts,
        };
        return Enqueue(alert, mart, runId, status);
    }

    private string? Enqueue(RunFailureAlert alert, string mart, string runId, string status)
    {
        try
        {
            var jobId = jobs.Enqueue<WebhookAlertJob>(job => job.SendAsync(alert, 1, CancellationToken.None));
            logger.AlertEnqueued(mart, runId, status, jobId);
            return jobId;
        }
#pragma warning disable CA1031 // the run is already recorded; a lost alert must not turn into a failed run
        catch (Exception ex)
#pragma warning restore CA1031
        {
            logger.AlertEnqueueFailed(ex, mart, runId, status);
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
