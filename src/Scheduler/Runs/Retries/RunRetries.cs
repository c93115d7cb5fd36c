using System.Text.RegularExpressions;
using Scheduler.Background;
using Scheduler.Hosting;
using Scheduler.Marts;
using Scheduler.Runs.Lifecycle;

namespace Scheduler.Runs.Retries;

/// <summary>
/// Whether and when an ended run is retried (<c>Marts:&lt;name&gt;:Retry:*</c>). <see cref="RunStateMachine"/> asks it in
/// the very write that ends the run, so the decision (<see cref="RunSummary.RetryAt"/>) is as durable as the outcome;
/// <see cref="RunRetrier"/> later reserves the retry itself.
/// </summary>
internal static class RunRetries
{
    /// <summary>A retry's delay is shortened by a random 0 to 20 % so marts that failed together do not retry in lockstep.</summary>
    public const double MaxJitter = 0.2;

    /// <summary>Failed, TimedOut and Lost runs may be retried; Cancelled (a person's or Redshift's decision) and Skipped never.</summary>
    public static bool IsRetriable(RunStatus status) => status is RunStatus.Failed or RunStatus.TimedOut or RunStatus.Lost;

    /// <summary>
    /// When the retry of <paramref name="ended"/> (just ended at <paramref name="now"/>) is due, or null when its outcome is
    /// final: not a retriable status, its attempts used up (attempt &gt; <c>Retry:Attempts</c>), or its error matches none of
    /// <c>Retry:OnErrors</c>.
    /// </summary>
    /// <param name="ended">The run as it ends (status and error set).</param>
    /// <param name="retry">The mart's retry settings.</param>
    /// <param name="now">When it ends.</param>
    /// <param name="jitter">How much shorter the delay is, 0 to <see cref="MaxJitter"/>.</param>
    public static DateTimeOffset? DueAt(RunSummary ended, MartRetryPolicy retry, DateTimeOffset now, double jitter)
    {
        ArgumentNullException.ThrowIfNull(ended);
        ArgumentNullException.ThrowIfNull(retry);
        if (!IsRetriable(ended.Status) || ended.Attempt > retry.Attempts || !Matches(retry, ended.Error))
        {
            return null;
        }

        return now + Delay(retry, ended.Attempt, jitter);
    }

    /// <summary>True when <c>Retry:OnErrors</c> is empty or one of its patterns matches <paramref name="error"/>.</summary>
    public static bool Matches(MartRetryPolicy retry, string? error)
    {
        ArgumentNullException.ThrowIfNull(retry);
        if (retry.OnErrors.Count == 0)
        {
            return true;
        }

        if (string.IsNullOrEmpty(error))
        {
            return false;
        }

        foreach (var pattern in retry.OnErrors)
        {
            try
            {
                if (pattern.IsMatch(error))
                {
                    return true;
                }
            }
            catch (RegexMatchTimeoutException)
            {
                // A pattern too slow for this text (its 100 ms budget) counts as no match: the run's outcome stays final.
            }
        }

        return false;
    }

    /// <summary>
    /// The delay before retrying the run of attempt <paramref name="failedAttempt"/>: <c>Retry:Delay</c> doubled per earlier
    /// attempt (Delay, 2·Delay, 4·Delay …), at most <see cref="MartRetryPolicy.MaxDelay"/>, shortened by <paramref name="jitter"/>.
    /// </summary>
    public static TimeSpan Delay(MartRetryPolicy retry, int failedAttempt, double jitter)
    {
        ArgumentNullException.ThrowIfNull(retry);
        return new Backoff(retry.Delay, 2, MartRetryPolicy.MaxDelay).Delay(failedAttempt - 1, 1 - Math.Clamp(jitter, 0, MaxJitter));
    }
}
