using System.Text.Json.Serialization;

namespace Scheduler.Runs;

/// <summary>
/// One run of one mart, as the ledger holds it. Serialised with System.Text.Json (web defaults, camelCase) it is the
/// run JSON of CONTRACT.md: <c>runId</c>, <c>mart</c>, <c>trigger</c>, <c>status</c>, <c>statementId</c>,
/// <c>createdAt</c>, <c>submittedAt</c>, <c>statementFinishedAt</c>, <c>completedAt</c>, <c>error</c>,
/// <c>pollCount</c>, <c>subStatements</c>, plus the recovery fields. Times are UTC.
/// </summary>
public sealed record RunRecord
{
    public required Guid RunId { get; init; }

    public required string Mart { get; init; }

    public required RunTrigger Trigger { get; init; }

    public required RunStatus Status { get; init; }

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

    /// <summary>Past this the run is cancelled and ends as <see cref="RunStatus.TimedOut"/> (created + the mart's timeout).</summary>
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

    /// <summary>The current poll job's attempt number; a poll job carrying another number is stale and does nothing.</summary>
    public int PollAttempt { get; init; }

    /// <summary>When the next step (poll, or submit retry) is due.</summary>
    public DateTimeOffset? NextPollAt { get; init; }

    /// <summary>The batch's statements: the submitted SQL, then Redshift's figures once the run ends.</summary>
    public IReadOnlyList<RunSubStatement> SubStatements { get; init; } = [];

    /// <summary>The statements as submitted (kept so a resubmission sends exactly the same batch).</summary>
    [JsonIgnore]
    internal IReadOnlyList<string>? SqlStatements { get; init; }

    /// <summary>When BatchExecuteStatement was first attempted (the ClientToken's 8 h window starts here).</summary>
    [JsonIgnore]
    internal DateTimeOffset? SubmitAttemptedAt { get; init; }

    [JsonIgnore]
    internal int SubmitAttempts { get; init; }

    [JsonIgnore]
    internal string? TriggerKey { get; init; }
}
