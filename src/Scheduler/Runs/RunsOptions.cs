namespace Scheduler.Runs;

/// <summary>Settings under <c>Runs:*</c>: recovery, cancels, resubmission, history. Validated at start-up by <see cref="RunsOptionsValidator"/>.</summary>
internal sealed class RunsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Runs";

    /// <summary>How often each instance looks for active runs whose next step is overdue. Default 30 s.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How overdue a run's next step must be before recovery schedules it again (its job was lost, e.g. the process died
    /// between two writes). Keep it above Hangfire's scheduling latency. Default 1 min.
    /// </summary>
    public TimeSpan RecoveryGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after a cancel (or the deadline) Redshift has to confirm before the run's outcome is reported unconfirmed
    /// (an alert; the run stays Cancelling and the cancel keeps being retried until Redshift answers). Default 2 min.
    /// </summary>
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a resubmission trusts the ClientToken (AWS keeps it 8 h); after that, a submit that may have reached AWS
    /// looks its statement up by StatementName with ListStatements instead. Default 7 h.
    /// </summary>
    public TimeSpan ClientTokenWindow { get; set; } = TimeSpan.FromHours(7);

    /// <summary>
    /// How long one submit call may take (the client's retries included; it is cut off then). Until it passes, a lookup
    /// by StatementName is not taken as proof that nothing was sent, so a cancel or deadline during the submit, or a
    /// resubmission past the ClientToken window, waits for it. Default 2 min.
    /// </summary>
    public TimeSpan SubmitLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Longest wait between two submit attempts (or lookups) after throttling, 5xx or network errors. Default 1 min.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long Hangfire keeps a run's succeeded submit/poll/trigger jobs; the ledger keeps the history. Default 10 min.</summary>
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long Hangfire keeps failed jobs (in its Failed list) before they expire; the ledger keeps the history. Default 7 days.</summary>
    public TimeSpan FailedJobRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long the ledger keeps ended runs (by completion time); older ones are purged. Default 90 days.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How long the ledger keeps Skipped runs, which pile up when a cron is faster than its mart. Default 7 days.</summary>
    public TimeSpan SkippedRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Runs deleted per statement by the purge, so it never holds long locks. Default 5,000.</summary>
    public int PurgeBatchSize { get; set; } = 5_000;

    /// <summary>
    /// TEST ONLY: names of fault points (<c>AfterSubmit</c>, <c>DuringPoll</c>) where a job announces
    /// <c>FAULT-POINT &lt;name&gt; &lt;runId&gt;</c> on stdout and blocks, so a crash test can SIGKILL the process there.
    /// Comma-separated; empty (the default) in any real deployment.
    /// </summary>
    public string? TestingBlockAt { get; set; }
}
