using Hangfire;
using Scheduler.Runs;
using Scheduler.Telemetry;

namespace Scheduler.Alerts;

/// <summary>
/// Turns a run's failure into a webhook delivery job. The run code calls <see cref="RunEnded(RunRecord)"/> once, where it
/// records a terminal status; delivery then happens in a Hangfire job with its own retries, so a slow or broken
/// receiver never delays or fails the run, and a restart does not lose a pending alert.
/// </summary>
public sealed class FailureAlerts(AlertSettings settings, Scheduler.Marts.IMartCatalog catalog, IBackgroundJobClient jobs, ILogger<FailureAlerts> logger)
{
    /// <summary>The terminal statuses that raise an alert.</summary>
    public static readonly IReadOnlySet<string> AlertingStatuses = new HashSet<string>(StringComparer.Ordinal) { "Failed", "TimedOut", "Lost" };

    /// <summary>Enqueues a webhook delivery when the run ended Failed, TimedOut or Lost and its mart has a webhook.</summary>
    /// <returns>The delivery job's id, or null when nothing was enqueued.</returns>
    public string? RunEnded(RunRecord run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return RunEnded(run.Mart, run.RunId.ToString("D"), run.Status.ToString(), RunMetrics.TriggerName(run.Trigger), run.Error,
            run.CreatedAt, run.CompletedAt);
    }

    /// <summary>
    /// Enqueues a webhook delivery when <paramref name="status"/> is Failed, TimedOut or Lost and the mart has a webhook.
    /// Never throws for a delivery problem: an error here is logged, because the run's outcome is already recorded.
    /// </summary>
    /// <returns>The delivery job's id, or null when nothing was enqueued.</returns>
    public string? RunEnded(string mart, string runId, string status, string trigger, string? error,
        DateTimeOffset? createdAt, DateTimeOffset? completedAt)
    {
        ArgumentNullException.ThrowIfNull(mart);
        ArgumentNullException.ThrowIfNull(runId);
        ArgumentNullException.ThrowIfNull(status);
        if (!AlertingStatuses.Contains(status) || settings.WebhookFor(mart, catalog) is null)
        {
            return null;
        }

        var alert = new RunFailureAlert(
            $"{runId}:{status}", mart, runId, status, trigger, error, createdAt, completedAt, settings.RunLink(runId),
            $"Scheduler: mart '{mart}' run {runId} ended {status}{(string.IsNullOrWhiteSpace(error) ? "" : ": " + Shorten(error))}");
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
