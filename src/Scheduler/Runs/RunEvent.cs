using Scheduler.Redshift.Model;

namespace Scheduler.Runs;

/// <summary>One event for one run, with what the deliverer knows. Build it with the factories.</summary>
public sealed record RunEvent
{
    private RunEvent(RunEventKind kind) => Kind = kind;

    public RunEventKind Kind { get; }

    /// <summary>The statement the event is about (Submitted, Polled, StatementUnknown).</summary>
    public string? StatementId { get; private init; }

    /// <summary>DescribeStatement's answer (Polled).</summary>
    public DescribeStatementResponse? Statement { get; private init; }

    /// <summary>The batch about to be sent (SubmitAttempted).</summary>
    public IReadOnlyList<string>? Statements { get; private init; }

    /// <summary>The poll job's attempt number; null when the event does not come from a poll job.</summary>
    public int? PollAttempt { get; private init; }

    /// <summary>What went wrong, in words (refusals, failed calls, lookups).</summary>
    public string? Error { get; private init; }

    /// <summary>The target's slot key (SlotGranted, SlotUnavailable): <c>workgroup:NAME</c> or <c>cluster:ID</c>.</summary>
    public string? SlotKey { get; private init; }

    /// <summary>When to try again (SubmitDeferred, SlotUnavailable), or the time before which the step must have been due (StepOverdue).</summary>
    public DateTimeOffset? At { get; private init; }

    public static RunEvent SubmitAttempted(IReadOnlyList<string> statements) => new(RunEventKind.SubmitAttempted) { Statements = statements };

    public static RunEvent SubmitDeferred(DateTimeOffset retryAt, string error) => new(RunEventKind.SubmitDeferred) { At = retryAt, Error = error };

    public static RunEvent Submitted(string statementId) => new(RunEventKind.Submitted) { StatementId = statementId };

    public static RunEvent SubmitRefused(string error) => new(RunEventKind.SubmitRefused) { Error = error };

    public static RunEvent NotSubmittable(string error) => new(RunEventKind.NotSubmittable) { Error = error };

    public static RunEvent StatementNotFound(string? error) => new(RunEventKind.StatementNotFound) { Error = error };

    public static RunEvent Polled(DescribeStatementResponse statement, int? pollAttempt) =>
        new(RunEventKind.Polled) { Statement = statement, StatementId = statement?.Id, PollAttempt = pollAttempt };

    public static RunEvent PollFailed(int pollAttempt, string error) => new(RunEventKind.PollFailed) { PollAttempt = pollAttempt, Error = error };

    public static RunEvent StatementUnknown(string statementId, string error) =>
        new(RunEventKind.StatementUnknown) { StatementId = statementId, Error = error };

    public static RunEvent CancelRequested() => new(RunEventKind.CancelRequested);

    public static RunEvent DeadlinePassed(string? error = null) => new(RunEventKind.DeadlinePassed) { Error = error };

    public static RunEvent StepOverdue(DateTimeOffset dueBefore) => new(RunEventKind.StepOverdue) { At = dueBefore };

    public static RunEvent PollRequested() => new(RunEventKind.PollRequested);

    /// <summary>The run takes (or is given) a slot of the target <paramref name="slotKey"/>.</summary>
    public static RunEvent SlotGranted(string slotKey) => new(RunEventKind.SlotGranted) { SlotKey = slotKey };

    /// <summary>The run waits for a slot of <paramref name="slotKey"/>, not to be given one before <paramref name="notBefore"/>.</summary>
    public static RunEvent SlotUnavailable(string slotKey, DateTimeOffset? notBefore, string reason) =>
        new(RunEventKind.SlotUnavailable) { SlotKey = slotKey, At = notBefore, Error = reason };

    public static RunEvent RetryAbandoned(string reason) => new(RunEventKind.RetryAbandoned) { Error = reason };
}
