using Scheduler.Redshift.Model;

namespace Scheduler.Runs.Lifecycle;

/// <summary>
/// One event for one run, with what the deliverer knows: a closed set of records (only the nested ones can derive from
/// it), each holding only the fields that event means. <see cref="Kind"/> names it in the transition table, the docs
/// and the logs.
/// </summary>
internal abstract record RunEvent
{
    private RunEvent()
    {
    }

    /// <summary>The event's row in <see cref="RunStateMachine.Table"/>.</summary>
    public abstract RunEventKind Kind { get; }

    /// <summary>BatchExecuteStatement is about to be called with <paramref name="Statements"/> (kept: a resend sends the same batch).</summary>
    public sealed record SubmitAttempted(IReadOnlyList<string> Statements) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.SubmitAttempted;
    }

    /// <summary>The submit step could not finish: try again at <paramref name="RetryAt"/> (no later than the deadline); <paramref name="Reason"/> says why.</summary>
    public sealed record SubmitDeferred(DateTimeOffset RetryAt, string Reason) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.SubmitDeferred;
    }

    /// <summary>Redshift gave the batch's statement id <paramref name="StatementId"/> (from the call, or found by its StatementName).</summary>
    public sealed record Submitted(string StatementId) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.Submitted;
    }

    /// <summary>Redshift refused the run's very first request with <paramref name="Error"/>.</summary>
    public sealed record SubmitRefused(string Error) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.SubmitRefused;
    }

    /// <summary>Nothing can be sent; <paramref name="Error"/> (invalid SQL, mart gone) becomes the run's error.</summary>
    public sealed record NotSubmittable(string Error) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.NotSubmittable;
    }

    /// <summary>
    /// A lookup by StatementName found no statement. <paramref name="Refusal"/> is what Redshift said when it refused the
    /// resend that led to the lookup; null when the lookup was not prompted by a refusal.
    /// </summary>
    public sealed record StatementNotFound(string? Refusal) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.StatementNotFound;
    }

    /// <summary>
    /// DescribeStatement answered <paramref name="Statement"/>. <paramref name="PollAttempt"/> is the poll job's attempt;
    /// null when the answer does not come from a poll job (the watcher).
    /// </summary>
    public sealed record Polled(DescribeStatementResponse Statement, int? PollAttempt) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.Polled;
    }

    /// <summary>The DescribeStatement of poll attempt <paramref name="PollAttempt"/> failed with <paramref name="Error"/>.</summary>
    public sealed record PollFailed(int PollAttempt, string Error) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.PollFailed;
    }

    /// <summary>The service no longer knows <paramref name="StatementId"/>; <paramref name="Error"/> is how it said so.</summary>
    public sealed record StatementUnknown(string StatementId, string Error) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.StatementUnknown;
    }

    /// <summary>A user asked to cancel.</summary>
    public sealed record CancelRequested : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.CancelRequested;
    }

    /// <summary>The mart's timeout passed.</summary>
    public sealed record DeadlinePassed : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.DeadlinePassed;
    }

    /// <summary>Recovery: the run's next step was due before <paramref name="DueBefore"/> and has not happened (its job was lost).</summary>
    public sealed record StepOverdue(DateTimeOffset DueBefore) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.StepOverdue;
    }

    /// <summary>Poll now rather than at the pending poll's time.</summary>
    public sealed record PollRequested : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.PollRequested;
    }

    /// <summary>The run takes (or is given) a slot of the target <paramref name="SlotKey"/>: <c>workgroup:NAME</c> or <c>cluster:ID</c>.</summary>
    public sealed record SlotGranted(string SlotKey) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.SlotGranted;
    }

    /// <summary>
    /// The run waits for a slot of <paramref name="SlotKey"/>, not to be given one before <paramref name="NotBefore"/>
    /// (null: as soon as one frees); <paramref name="Reason"/> becomes its status reason.
    /// </summary>
    public sealed record SlotUnavailable(string SlotKey, DateTimeOffset? NotBefore, string Reason) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.SlotUnavailable;
    }

    /// <summary>The retry due for an ended run will not be made; <paramref name="Reason"/> becomes its status reason.</summary>
    public sealed record RetryAbandoned(string Reason) : RunEvent
    {
        public override RunEventKind Kind => RunEventKind.RetryAbandoned;
    }
}
