using System.ComponentModel.DataAnnotations;

namespace Scheduler.Runs;

/// <summary>Settings under <c>Runs:*</c>: the ledger, long polling, recovery. Validated at start-up.</summary>
public sealed class RunsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Runs";

    /// <summary>The PostgreSQL schema of the run ledger, beside Hangfire's. Default <c>scheduler</c>.</summary>
    [RegularExpression("^[a-z_][a-z0-9_]{0,62}$", ErrorMessage = "Runs:Schema must be a lower-case PostgreSQL identifier (a-z, 0-9, _).")]
    public string Schema { get; set; } = "scheduler";

    /// <summary>
    /// <c>WaitTimeSeconds</c> for a poll's DescribeStatement: the call returns as soon as the batch ends, so a finish is
    /// seen at once, at the cost of a Hangfire worker for that long. Zero turns long polling off. Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan LongPollWaitTime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Long polls at once per process; beyond it polls are plain, so workers stay free. Default 4.</summary>
    [Range(0, 1000)]
    public int MaxConcurrentLongPolls { get; set; } = 4;

    /// <summary>How often each instance looks for active runs whose next step is overdue. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How overdue a run's next step must be before recovery re-enqueues it (its job was lost, e.g. the process died
    /// between two writes). Keep it above <see cref="LongPollWaitTime"/> plus Hangfire's scheduling latency. Default 1 min.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RecoveryGrace { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long after a cancel (or the timeout) Redshift has to confirm ABORTED before the run ends anyway. Default 2 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CancelGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long a resubmission trusts the ClientToken (AWS keeps it 8 h); after that, a submit that may have reached AWS
    /// looks its statement up by StatementName with ListStatements instead. Default 7 h.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "08:00:00")]
    public TimeSpan ClientTokenWindow { get; set; } = TimeSpan.FromHours(7);

    /// <summary>Longest wait between two submit attempts after throttling, 5xx or network errors. Default 1 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long Hangfire keeps a run's finished submit/poll/trigger jobs; the ledger keeps the history. Default 10 min.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// TEST ONLY: names of fault points (<c>AfterSubmit</c>, <c>DuringPoll</c>) where a job announces
    /// <c>FAULT-POINT &lt;name&gt; &lt;runId&gt;</c> on stdout and blocks, so a crash test can SIGKILL the process there.
    /// Comma-separated; empty (the default) in any real deployment.
    /// </summary>
    public string? TestingBlockAt { get; set; }
}
