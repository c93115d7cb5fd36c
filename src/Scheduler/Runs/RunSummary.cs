using System.Text.Json.Serialization;

namespace Scheduler.Runs;

/// <summary>
/// A run without its SQL and sub-statements: what lists (the API's runs list, the dashboard's pages) return. Serialised
/// with <see cref="RunJson.Options"/> it is the run JSON of CONTRACT.md minus <c>subStatements</c>. Times are UTC.
/// </summary>
internal record RunSummary
{
    public required Guid RunId { get; init; }

    public required string Mart { get; init; }

    public required RunTrigger Trigger { get; init; }

    /// <summary>
    /// The date the run is for: a cron run's scheduled fire time, a backfill's or catch-up's slot, a manual run's given
    /// date (else the time it was asked for). Runs of one mart and logical date are never active together.
    /// </summary>
    public required DateTimeOffset LogicalDate { get; init; }

    /// <summary>The start of the run's data interval (the previous fire time; a manual-only mart's previous local day).</summary>
    public DateTimeOffset? IntervalStart { get; init; }

    /// <summary>The end of the run's data interval (exclusive): the logical date for cron marts.</summary>
    public DateTimeOffset? IntervalEnd { get; init; }

    /// <summary>Every parameter value the run has (built-in, the mart's defaults, overrides); the SQL gets those it uses.</summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>1 for a first run; a retry's number (the run it retries is <see cref="RetryOf"/>).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>For a retry: the run it retries.</summary>
    public Guid? RetryOf { get; init; }

    /// <summary>For a backfill's run: the backfill.</summary>
    public Guid? BackfillId { get; init; }

    /// <summary>For a run started by its upstream marts: their Succeeded runs for the same logical date.</summary>
    public IReadOnlyList<Guid> UpstreamRunIds { get; init; } = [];

    /// <summary>
    /// For a Failed, TimedOut or Lost run that its mart retries: when the retry is due (set by the same write that ends
    /// the run, so a crash cannot lose it). Null when no retry follows: the run's outcome is final.
    /// </summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>True when the run's success starts the marts that depend on this one (always for scheduled triggers).</summary>
    public bool Downstream { get; init; }

    public required RunStatus Status { get; init; }

    /// <summary>Why an active run is in its status, e.g. "deadline passed; cancel not yet confirmed". Null when nothing needs saying.</summary>
    public string? StatusReason { get; init; }

    /// <summary>Redshift's statement id, once BatchExecuteStatement returned and it was checkpointed.</summary>
    public string? StatementId { get; init; }

    /// <summary>The <c>StatementName</c> sent with the batch (<c>scheduler/&lt;mart&gt;/&lt;runId&gt;</c>), to find it with ListStatements.</summary>
    public required string StatementName { get; init; }

    /// <summary>The <c>ClientToken</c> sent with the batch; resending it never starts a second execution (8 h).</summary>
    public required string ClientToken { get; init; }

    /// <summary>When the run was reserved.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When Redshift accepted the batch (the statement id was checkpointed).</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>Redshift's <c>UpdatedAt</c> at the terminal status: when the statement really ended.</summary>
    public DateTimeOffset? StatementFinishedAt { get; init; }

    /// <summary>When the scheduler recorded the terminal status; minus <see cref="StatementFinishedAt"/> is the detection delay.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Past this the run is cancelled (created + the mart's timeout); it ends TimedOut once Redshift confirms.</summary>
    public required DateTimeOffset DeadlineAt { get; init; }

    /// <summary>What went wrong (Redshift's error with the failing statement, the SQL file's problem, why it was skipped or lost).</summary>
    public string? Error { get; init; }

    /// <summary>For a failed batch: the failing statement's index, from 1.</summary>
    public int? FailedStatementIndex { get; init; }

    /// <summary>For a skipped run: the run that was active.</summary>
    public Guid? ActiveRunId { get; init; }

    /// <summary><c>user</c> or <c>timeout</c> once a cancel was requested.</summary>
    public string? CancelReason { get; init; }

    public DateTimeOffset? CancelRequestedAt { get; init; }

    /// <summary>How many times DescribeStatement was called for this run.</summary>
    public int PollCount { get; init; }

    /// <summary>When the outcome was first reported unconfirmed (a cancel Redshift has not confirmed in time).</summary>
    [JsonIgnore]
    public DateTimeOffset? UnconfirmedAt { get; init; }
}
