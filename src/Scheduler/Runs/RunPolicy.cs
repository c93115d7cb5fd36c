using Microsoft.Extensions.Options;
using Scheduler.Marts;

namespace Scheduler.Runs;

/// <summary>
/// The timing decisions of the lifecycle: poll delays (the mart's adaptive interval), backoff after errors, the submit
/// lease, the cancel grace, and the
/// mart's retry settings with the retry delay's jitter. Separate from <see cref="RunStateMachine"/> so the machine stays a pure function.
/// </summary>
public class RunPolicy(IOptions<RunsOptions> runs, IMartCatalog catalog)
{
    private static readonly TimeSpan MinPollDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MinErrorDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DefaultInitial = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DefaultMax = TimeSpan.FromMinutes(1);

    /// <summary>How long a run waits for Redshift to confirm a cancel before the outcome is reported unconfirmed.</summary>
    public virtual TimeSpan CancelGrace => runs.Value.CancelGrace;

    /// <summary>How long a resubmission trusts the ClientToken; after it the statement is looked up by name first.</summary>
    public virtual TimeSpan ClientTokenWindow => runs.Value.ClientTokenWindow;

    /// <summary>
    /// The longest one submit call may take (it is cut off then). Until it passes, a lookup by name is not taken as proof
    /// that nothing was sent.
    /// </summary>
    public virtual TimeSpan SubmitLease => runs.Value.SubmitLease;

    /// <summary>The delay before the first poll of a freshly submitted run.</summary>
    public virtual TimeSpan FirstPoll(RunRecord run) => NextPoll(run, completedPolls: 0);

    /// <summary>The delay before the next poll after <paramref name="completedPolls"/> polls saw the batch still running.</summary>
    public virtual TimeSpan NextPoll(RunRecord run, int completedPolls)
    {
        var mart = catalog.Find(run.Mart);
        var delay = PollIntervals.Next(mart?.PollInitialInterval ?? DefaultInitial, mart?.PollMaxInterval ?? DefaultMax, completedPolls);
        return delay < MinPollDelay ? MinPollDelay : delay;
    }

    /// <summary>The delay before polling again after a failed DescribeStatement (at least 2 s).</summary>
    public virtual TimeSpan AfterPollError(RunRecord run, int completedPolls)
    {
        var delay = NextPoll(run, completedPolls);
        return delay < MinErrorDelay ? MinErrorDelay : delay;
    }

    /// <summary>The retry settings of the run's mart (none for a mart no longer configured).</summary>
    public virtual MartRetryPolicy RetryPolicy(string mart) => catalog.Find(mart)?.Retry ?? MartRetryPolicy.None;

    /// <summary>How much shorter than its nominal value a retry's delay is: a random 0 to 20 %.</summary>
#pragma warning disable CA5394 // jitter only spreads load; it needs no unpredictability
    public virtual double RetryJitter() => Random.Shared.NextDouble() * RunRetries.MaxJitter;
#pragma warning restore CA5394

    /// <summary>Backoff before the next submit attempt or lookup (1, 2, 4 … s, jittered, up to <c>Runs:MaxRetryDelay</c>).</summary>
    public virtual TimeSpan SubmitRetry(int failures) => PollIntervals.Backoff(failures, runs.Value.MaxRetryDelay);
}
