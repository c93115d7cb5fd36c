using System.Diagnostics.Metrics;
using Scheduler.Backfills;
namespace Scheduler.Runs;

/// <summary>
/// The run instruments, on the <c>Scheduler.Runs</c> meter (exported for Prometheus at <c>/metrics</c>). The run
/// code calls these; tag values are the contract's names (statuses such as <c>Succeeded</c>, triggers
/// <c>cron</c>/<c>manual</c>), so cardinality stays at marts × statuses.
/// </summary>
internal sealed class RunMetrics : IRunObserver, IDisposable
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "Scheduler.Runs";

    private static readonly double[] s_durationBuckets =
        [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400];

    private static readonly double[] s_detectionBuckets =
        [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];

    private readonly Meter _meter;
    private readonly Counter<long> _started;
    private readonly Counter<long> _completed;
    private readonly Histogram<double> _duration;
    private readonly Histogram<double> _detectionDelay;
    private readonly Counter<long> _polls;
    private readonly Counter<long> _alerts;
    private readonly Counter<long> _queued;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (or a plain meter when null).</summary>
    public RunMetrics(IMeterFactory? meterFactory)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _started = _meter.CreateCounter<long>("scheduler.runs.started", "{run}",
            "Runs reserved (status Submitting), by mart and trigger (retries: trigger retry).");
        _completed = _meter.CreateCounter<long>("scheduler.runs.completed", "{run}",
            "Runs that reached a terminal status (Succeeded, Failed, Cancelled, TimedOut, Lost, Skipped), by mart, trigger and status.");
        _duration = _meter.CreateHistogram("scheduler.run.duration", "s",
            "From the run's creation to its terminal status, by mart and status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_durationBuckets });
        _detectionDelay = _meter.CreateHistogram("scheduler.run.detection_delay", "s",
            "From Redshift's finish of the statement (UpdatedAt) to the scheduler recording the terminal status, by mart.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_detectionBuckets });
        _polls = _meter.CreateCounter<long>("scheduler.run.polls", "{poll}",
            "DescribeStatement polls made for runs, by mart and result (e.g. running, terminal, stale).");
        _queued = _meter.CreateCounter<long>("scheduler.runs.queued", "{run}",
            "Runs that began to wait as Queued for a slot of their workgroup or cluster (Redshift:MaxActiveStatements in use, or ActiveStatementsExceededException), by mart and trigger.");
        _alerts = _meter.CreateCounter<long>("scheduler.alerts", "{attempt}",
            "Failure webhook delivery attempts, by outcome (delivered, retrying, failed).");
    }

    /// <inheritdoc />
    void IRunObserver.RunReserved(RunRecord run)
    {
        if (run.Status == RunStatus.Submitting)
        {
            RunStarted(run.Mart, TriggerName(run.Trigger));
        }
    }

    /// <inheritdoc />
    void IRunObserver.RunEnded(RunRecord run) => RunCompleted(run);

    /// <inheritdoc />
    void IRunObserver.RunQueued(RunRecord run) =>
        _queued.Add(1, new("mart", run.Mart), new("trigger", TriggerName(run.Trigger)));

    /// <summary>A run was reserved.</summary>
    public void RunStarted(string mart, string trigger) =>
        _started.Add(1, new("mart", mart), new("trigger", trigger));

    /// <summary>
    /// A run reached a terminal status. Call once per run, where the terminal status is recorded.
    /// </summary>
    /// <param name="mart">The mart.</param>
    /// <param name="trigger"><c>cron</c> or <c>manual</c>.</param>
    /// <param name="status">The terminal status, e.g. <c>Succeeded</c>.</param>
    /// <param name="duration">Creation to completion; null when unknown.</param>
    /// <param name="detectionDelay">Completion minus Redshift's finish time; null when Redshift gave none. Negative values (clock skew) count as zero.</param>
    public void RunCompleted(string mart, string trigger, string status, TimeSpan? duration, TimeSpan? detectionDelay)
    {
        _completed.Add(1, new("mart", mart), new("trigger", trigger), new("status", status));
        if (duration is { } d)
        {
            _duration.Record(Math.Max(0, d.TotalSeconds), new("mart", mart), new("status", status));
        }

        if (detectionDelay is { } delay)
        {
            _detectionDelay.Record(Math.Max(0, delay.TotalSeconds), new KeyValuePair<string, object?>("mart", mart));
        }
    }

    /// <summary>A run reached a terminal status: counts it and records its duration and detection delay.</summary>
    public void RunCompleted(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        RunCompleted(
            run.Mart,
            TriggerName(run.Trigger),
            run.Status.ToString(),
            run.CompletedAt - run.CreatedAt,
            run.CompletedAt is { } completed && run.StatementFinishedAt is { } finished ? completed - finished : null);
    }

    /// <summary>The contract's name of a trigger: <c>cron</c> or <c>manual</c>.</summary>
    public static string TriggerName(RunTrigger trigger) => trigger switch
    {
        RunTrigger.Cron => "cron",
        RunTrigger.Manual => "manual",
        RunTrigger.CatchUp => "catchup",
        RunTrigger.Backfill => "backfill",
        RunTrigger.Retry => "retry",
        RunTrigger.Upstream => "upstream",
        _ => trigger.ToString().ToLowerInvariant(),
    };

    /// <summary>A poll of a run's statement was made.</summary>
    public void Poll(string mart, string result) =>
        _polls.Add(1, new("mart", mart), new("result", result));

    /// <summary>A failure webhook delivery attempt ended.</summary>
    public void AlertAttempt(string outcome) =>
        _alerts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
