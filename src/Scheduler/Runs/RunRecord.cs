using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using Scheduler.Marts;
using Scheduler.Runs.Lifecycle;

namespace Scheduler.Runs;

/// <summary>
/// One run of one mart, as the ledger holds it. Serialised with <see cref="RunJson.Options"/> it is the run JSON of
/// CONTRACT.md, with <c>subStatements</c>. Only <see cref="RunLifecycle"/> makes a changed copy of it to store.
/// </summary>
internal sealed record RunRecord : RunSummary
{
    /// <summary>The current poll job's attempt number; a poll job carrying another number is stale and does nothing.</summary>
    public int PollAttempt { get; init; }

    /// <summary>
    /// When recovery next looks at the run (column <c>next_poll_at</c>): the next poll, a deferred submit retry, the end
    /// of a submit call's lease, or (Queued) when the queue may hand it a slot. Null once the run ended. Recovery delivers
    /// <see cref="RunEvent.StepOverdue"/> to an active run whose time is long past (its job was lost). The run JSON keeps
    /// its published name, <c>nextPollAt</c>.
    /// </summary>
    [JsonPropertyName("nextPollAt")]
    public DateTimeOffset? NextStepDueAt { get; init; }

    /// <summary>The batch's statements: the submitted SQL, then Redshift's figures once the run ends.</summary>
    public IReadOnlyList<RunSubStatement> SubStatements { get; init; } = [];

    /// <summary>Where the batch is (or was) sent, fixed at reservation so a resubmission or a lookup asks the same place.</summary>
    [JsonIgnore]
    public RedshiftTarget? Target { get; init; }

    /// <summary>The statements as submitted (kept so a resubmission sends exactly the same batch).</summary>
    [JsonIgnore]
    internal IReadOnlyList<string>? SqlStatements { get; init; }

    /// <summary>When BatchExecuteStatement was first attempted (the ClientToken's 8 h window starts here).</summary>
    [JsonIgnore]
    internal DateTimeOffset? SubmitAttemptedAt { get; init; }

    [JsonIgnore]
    internal int SubmitAttempts { get; init; }

    /// <summary>Until then a submit call may still be in flight: nobody else sends, and no lookup by name is trusted.</summary>
    [JsonIgnore]
    internal DateTimeOffset? SubmitLeaseUntil { get; init; }

    [JsonIgnore]
    internal string? TriggerKey { get; init; }

    /// <summary>
    /// The target slot the run waits for (Queued) or holds (Submitting, Running, Cancelling): <c>workgroup:NAME</c> or
    /// <c>cluster:ID</c>; null while it has none (not yet asked, or no limit). A run that ends gives its slot back.
    /// </summary>
    [JsonIgnore]
    internal string? SlotKey { get; init; }

    /// <summary>Bumped by every write; a write based on an older version is refused (compare-and-swap).</summary>
    [JsonIgnore]
    internal int Version { get; init; }

    /// <summary>True once BatchExecuteStatement may have reached AWS: from then on only Redshift's word ends the run.</summary>
    [JsonIgnore]
    internal bool MayHaveReachedRedshift => SubmitAttemptedAt is not null || StatementId is not null;

    /// <summary>An empty record: set its members with an initializer.</summary>
    public RunRecord()
    {
    }

    /// <summary>A record holding <paramref name="summary"/>'s members (the store maps the summary's columns once, for both).</summary>
    [SetsRequiredMembers]
    internal RunRecord(RunSummary summary)
        : base(summary)
    {
    }
}
