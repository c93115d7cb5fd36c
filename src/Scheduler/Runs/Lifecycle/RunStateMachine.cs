using System.Collections.Frozen;
using System.Globalization;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;
using Scheduler.Runs.Retries;
using Scheduler.Sql;

namespace Scheduler.Runs.Lifecycle;

/// <summary>
/// The run lifecycle as pure functions. <see cref="Decide"/>: given a run, an event, the time and the decision's inputs
/// (timings, the mart's settings, random draws), the run as it must be stored next (or null: the event is refused and
/// nothing is written). <see cref="Table"/> lists every allowed (status, event) pair and the statuses it may lead to;
/// docs/run-lifecycle.md draws it. <see cref="RunLifecycle"/> stores the decision with a compare-and-swap and schedules
/// the step it asks for. <see cref="NextSubmitAction"/> and <see cref="NextPollAction"/> tell the jobs what to do with a
/// run (send, look up, describe, deliver the deadline, or nothing), so the jobs themselves only do I/O and deliver events.
/// </summary>
/// <remarks>
/// The rule that shapes the table: once BatchExecuteStatement may have reached AWS, a terminal status is recorded only
/// on the Data API's word about the statement (a terminal DescribeStatement, a lookup by name that finds nothing while
/// no submit call is in flight, or the service saying it no longer knows the id). Deadlines and cancels move a run to
/// Cancelling, never to an end.
/// </remarks>
internal static partial class RunStateMachine
{
    private const RunStatus Submitting = RunStatus.Submitting;
    private const RunStatus Running = RunStatus.Running;
    private const RunStatus Cancelling = RunStatus.Cancelling;
    private const RunStatus Queued = RunStatus.Queued;

    /// <summary>Every allowed (status, event) pair and the statuses it can lead to. Anything else is refused.</summary>
    public static FrozenDictionary<(RunStatus From, RunEventKind Event), RunStatus[]> Table { get; } =
        new Dictionary<(RunStatus, RunEventKind), RunStatus[]>
        {
            [(Submitting, RunEventKind.SubmitAttempted)] = [Submitting],
            [(Submitting, RunEventKind.SubmitDeferred)] = [Submitting],
            [(Submitting, RunEventKind.Submitted)] = [Running],
            [(Submitting, RunEventKind.SubmitRefused)] = [RunStatus.Failed],
            [(Submitting, RunEventKind.NotSubmittable)] = [RunStatus.Failed],
            [(Submitting, RunEventKind.StatementNotFound)] = [RunStatus.Failed],
            [(Submitting, RunEventKind.CancelRequested)] = [RunStatus.Cancelled, Cancelling],
            [(Submitting, RunEventKind.DeadlinePassed)] = [RunStatus.TimedOut, Cancelling],
            [(Submitting, RunEventKind.StepOverdue)] = [Submitting],
            [(Submitting, RunEventKind.SlotGranted)] = [Submitting],
            [(Submitting, RunEventKind.SlotUnavailable)] = [Queued],

            [(Queued, RunEventKind.SlotGranted)] = [Submitting],
            [(Queued, RunEventKind.CancelRequested)] = [RunStatus.Cancelled, Cancelling],
            [(Queued, RunEventKind.DeadlinePassed)] = [RunStatus.TimedOut, Cancelling],

            [(Running, RunEventKind.Polled)] = [Running, RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled],
            [(Running, RunEventKind.PollFailed)] = [Running],
            [(Running, RunEventKind.StatementUnknown)] = [RunStatus.Lost],
            [(Running, RunEventKind.CancelRequested)] = [Cancelling],
            [(Running, RunEventKind.DeadlinePassed)] = [Cancelling],
            [(Running, RunEventKind.StepOverdue)] = [Running],
            [(Running, RunEventKind.PollRequested)] = [Running],

            [(Cancelling, RunEventKind.SubmitDeferred)] = [Cancelling],
            [(Cancelling, RunEventKind.Submitted)] = [Cancelling],
            [(Cancelling, RunEventKind.StatementNotFound)] = [RunStatus.Cancelled, RunStatus.TimedOut],
            [(Cancelling, RunEventKind.Polled)] = [Cancelling, RunStatus.Succeeded, RunStatus.Failed, RunStatus.Cancelled, RunStatus.TimedOut],
            [(Cancelling, RunEventKind.PollFailed)] = [Cancelling],
            [(Cancelling, RunEventKind.StatementUnknown)] = [RunStatus.Lost],
            [(Cancelling, RunEventKind.StepOverdue)] = [Cancelling],
            [(Cancelling, RunEventKind.PollRequested)] = [Cancelling],

            // An ended run whose retry cannot be made keeps its status; only the pending retry goes.
            [(RunStatus.Failed, RunEventKind.RetryAbandoned)] = [RunStatus.Failed],
            [(RunStatus.TimedOut, RunEventKind.RetryAbandoned)] = [RunStatus.TimedOut],
            [(RunStatus.Lost, RunEventKind.RetryAbandoned)] = [RunStatus.Lost],
        }.ToFrozenDictionary();

    /// <summary>
    /// What <paramref name="evt"/> does to <paramref name="run"/> at <paramref name="now"/>, or null when it is refused
    /// (not in <see cref="Table"/>, or a guard fails: a stale poll attempt, another statement, a live submit lease).
    /// Pure: everything else it needs (timings, the mart's intervals and retries, random draws) is in <paramref name="inputs"/>.
    /// </summary>
    public static RunTransition? Decide(RunRecord run, RunEvent evt, DateTimeOffset now, RunDecisionInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!Table.ContainsKey((run.Status, evt.Kind)))
        {
            return null;
        }

        var leaseFree = run.SubmitLeaseUntil is not { } lease || lease <= now;
        // Within the ClientToken's window a resend cannot start a second execution, even beside a call still in flight
        // (Hangfire re-running the job of a dead worker); recovery still waits for the lease, so it never piles resends
        // onto a slow call.
        var resendIsSafe = run.Status == Submitting && (run.SubmitAttemptedAt is not { } first || now - first <= inputs.ClientTokenWindow);
        return evt switch
        {
            RunEvent.SubmitAttempted { Statements: { Count: > 0 } statements } when run.StatementId is null && (leaseFree || resendIsSafe) =>
                Stay(run with
                {
                    SqlStatements = run.SqlStatements ?? statements,
                    SubStatements = run.SqlStatements is null
                        ? [.. statements.Select((sql, i) => new RunSubStatement(i + 1, SecretRedactor.Redact(sql)!, "SUBMITTED", null, null, null))]
                        : run.SubStatements,
                    SubmitAttemptedAt = run.SubmitAttemptedAt ?? now,
                    SubmitAttempts = run.SubmitAttempts + 1,
                    SubmitLeaseUntil = now + inputs.SubmitLease,
                    // Recovery leaves the run alone while the call may be in flight.
                    NextStepDueAt = now + inputs.SubmitLease,
                }),

            RunEvent.SubmitDeferred deferred when run.StatementId is null =>
                Unconfirmed(run with
                {
                    SubmitLeaseUntil = null,
                    NextStepDueAt = NotPastDeadline(run, now, deferred.RetryAt),
                    // A Submitting run says why it is not sent yet (throttled, paused); a Cancelling one keeps its reason.
                    StatusReason = run.Status == Submitting ? SecretRedactor.Redact(deferred.Reason, run.Parameters) : run.StatusReason,
                }, now, inputs, RunStep.Submit(NotPastDeadline(run, now, deferred.RetryAt))),

            RunEvent.Submitted submitted when run.StatementId is null =>
                Submitted(run, submitted.StatementId, now, inputs),

            RunEvent.SubmitRefused refused when run.StatementId is null && run.SubmitAttempts <= 1 =>
                End(inputs, run, RunStatus.Failed, now, $"BatchExecuteStatement was refused: {refused.Error}"),

            RunEvent.NotSubmittable notSubmittable when run.SubmitAttemptedAt is null =>
                End(inputs, run, RunStatus.Failed, now, notSubmittable.Error),

            RunEvent.StatementNotFound notFound when run.StatementId is null && run.SubmitAttemptedAt is not null && leaseFree =>
                NotFound(run, notFound.Refusal, now, inputs),

            RunEvent.Polled { Statement: { } statement } polled when statement.Id == run.StatementId =>
                StatusString.IsTerminal(statement.Status)
                    ? Outcome(run, statement, now, inputs)
                    : polled.PollAttempt == run.PollAttempt
                        ? NextPoll(run with { PollCount = run.PollCount + 1 }, now, inputs, inputs.NextPoll(run.PollAttempt))
                        : null,

            RunEvent.PollFailed failed when run.StatementId is not null && failed.PollAttempt == run.PollAttempt =>
                NextPoll(run with { PollCount = run.PollCount + 1 }, now, inputs, inputs.AfterPollError(run.PollAttempt)),

            RunEvent.StatementUnknown unknown when run.StatementId is not null && unknown.StatementId == run.StatementId =>
                End(inputs, run with { PollCount = run.PollCount + 1 }, RunStatus.Lost, now,
                    $"Redshift no longer knows statement {run.StatementId} ({unknown.Error}). The Data API keeps a statement's metadata for " +
                    "about 24 hours, so this run's outcome cannot be known: check the mart's tables."),

            RunEvent.SlotGranted granted when run.StatementId is null && run.Status == Submitting && run.SlotKey is null =>
                // Taken by the submit step itself, which goes on to send: no job to schedule.
                Stay(run with { SlotKey = granted.SlotKey }),

            RunEvent.SlotGranted granted when run.Status == Queued && run.SlotKey == granted.SlotKey =>
                new RunTransition(run with { Status = Submitting, StatusReason = null, NextStepDueAt = now }, RunStep.Submit(now), RunNotice.None),

            RunEvent.SlotUnavailable unavailable when run.StatementId is null =>
                // NextStepDueAt is when the queue may hand it a slot again (now, or after a backoff); nothing is scheduled:
                // the queue starts it when a slot frees.
                new RunTransition(run with
                {
                    Status = Queued,
                    SlotKey = unavailable.SlotKey,
                    SubmitLeaseUntil = null,
                    NextStepDueAt = unavailable.NotBefore is { } notBefore && notBefore > now ? notBefore : now,
                    StatusReason = SecretRedactor.Redact(unavailable.Reason, run.Parameters),
                }, RunStep.None, run.Status == Queued ? RunNotice.None : RunNotice.Queued),

            RunEvent.CancelRequested => run switch
            {
                { Status: Submitting or Queued, SubmitAttemptedAt: null } =>
                    End(inputs, run, RunStatus.Cancelled, now, "Cancelled before it was submitted; nothing ran in Redshift."),
                { Status: Submitting or Queued } =>
                    // A submit may be in flight: never send again, look the statement up once the lease is over.
                    LookUpLater(Cancel(run, CancelReasons.User, now, "cancel requested; looking up whether the batch reached Redshift"), now, leaseFree),
                _ => PollNow(Cancel(run, CancelReasons.User, now, "cancel requested; waiting for Redshift to confirm"), now),
            },

            RunEvent.DeadlinePassed when now >= run.DeadlineAt => run switch
            {
                { Status: Submitting or Queued, SubmitAttemptedAt: null } =>
                    End(inputs, run, RunStatus.TimedOut, now,
                        $"Not submitted within the mart's timeout ({Format(run.DeadlineAt - run.CreatedAt)}); nothing ran in Redshift." +
                        (run.Status == Queued ? " It was still queued for a slot on its workgroup or cluster." : "")),
                { Status: Submitting or Queued } =>
                    LookUpLater(Cancel(run, CancelReasons.Timeout, now, "deadline passed; looking up whether the batch reached Redshift"), now, leaseFree),
                _ => PollNow(Cancel(run, CancelReasons.Timeout, now, "deadline passed; cancel not yet confirmed by Redshift"), now),
            },

            RunEvent.StepOverdue overdue when (run.NextStepDueAt ?? run.CreatedAt) < overdue.DueBefore =>
                run.StatementId is null
                    ? leaseFree ? new RunTransition(run with { NextStepDueAt = now }, RunStep.Submit(now), RunNotice.None) : null
                    : PollNow(run, now),

            RunEvent.PollRequested when run.StatementId is not null => PollNow(run, now),

            RunEvent.RetryAbandoned abandoned when run.RetryAt is not null =>
                new RunTransition(run with { RetryAt = null, StatusReason = SecretRedactor.Redact(abandoned.Reason, run.Parameters) }, RunStep.None, RunNotice.RetryAbandoned),

            _ => null,
        };
    }

    /// <summary>The outcome a terminal DescribeStatement shows for the run.</summary>
    private static RunTransition Outcome(RunRecord run, DescribeStatementResponse statement, DateTimeOffset now, RunDecisionInputs inputs)
    {
        var subs = SubStatementsOf(run, statement);
        var counted = run with { PollCount = run.PollCount + 1, StatementFinishedAt = statement.UpdatedAt, SubStatements = subs ?? run.SubStatements };
        switch (statement.Status)
        {
            case StatusString.Finished:
                return End(inputs, counted with
                {
                    StatusReason = run.CancelReason is null ? null
                        : $"Redshift finished the statement before the cancel ({run.CancelReason}) took effect; its work is committed.",
                }, RunStatus.Succeeded, now, null);

            case StatusString.Failed:
                var all = counted.SubStatements;
                var failing = all.FirstOrDefault(s => s.Status == StatusString.Failed) ?? all.FirstOrDefault(s => s.Error is not null);
                var error = statement.Error ?? failing?.Error ?? "no error text";
                return failing is null
                    ? End(inputs, counted, RunStatus.Failed, now, $"Redshift reported FAILED: {error}")
                    : End(inputs, counted with { FailedStatementIndex = failing.Index }, RunStatus.Failed, now,
                        $"Statement {failing.Index} of {all.Count} failed: {error}\nSQL: {failing.Sql}");

            default: // ABORTED
                return run.CancelReason switch
                {
                    CancelReasons.Timeout => End(inputs, counted, RunStatus.TimedOut, now,
                        $"Still running at the mart's timeout ({Format(run.DeadlineAt - run.CreatedAt)}); CancelStatement aborted it."),
                    CancelReasons.User => End(inputs, counted, RunStatus.Cancelled, now, "Cancelled on request; Redshift aborted the statement."),
                    _ => End(inputs, counted, RunStatus.Cancelled, now, "Redshift reports the statement ABORTED: it was cancelled outside the scheduler."),
                };
        }
    }

    private static RunTransition NotFound(RunRecord run, string? refusal, DateTimeOffset now, RunDecisionInputs inputs)
    {
        var absent = $"Redshift has no statement named {run.StatementName}, so nothing ran.";
        return run.Status == Submitting
            ? End(inputs, run, RunStatus.Failed, now, $"BatchExecuteStatement was refused: {refusal}. {absent}")
            : run.CancelReason == CancelReasons.Timeout
                ? End(inputs, run, RunStatus.TimedOut, now, $"Not submitted within the mart's timeout ({Format(run.DeadlineAt - run.CreatedAt)}). {absent}")
                : End(inputs, run, RunStatus.Cancelled, now, $"Cancelled before Redshift accepted the batch. {absent}");
    }

    private static RunTransition Submitted(RunRecord run, string statementId, DateTimeOffset now, RunDecisionInputs inputs)
    {
        var submitted = run with
        {
            StatementId = statementId,
            Status = run.Status == Cancelling ? Cancelling : Running,
            StatusReason = run.Status == Cancelling ? run.StatusReason : null,
            SubmittedAt = now,
            SubmitLeaseUntil = null,
        };

        // A Cancelling run is polled at once: that poll sends the CancelStatement.
        return run.Status == Cancelling
            ? PollNow(submitted, now)
            : NextPoll(submitted, now, inputs, inputs.FirstPoll());
    }

    private static RunRecord Cancel(RunRecord run, string reason, DateTimeOffset now, string statusReason) => run with
    {
        Status = Cancelling,
        CancelReason = run.CancelReason ?? reason,
        CancelRequestedAt = run.CancelRequestedAt ?? now,
        StatusReason = statusReason,
    };

    private static RunTransition NextPoll(RunRecord run, DateTimeOffset now, RunDecisionInputs inputs, TimeSpan delay)
    {
        // A running statement is polled again no later than its deadline (which then cancels it); a cancelling one
        // keeps its own pace, each poll resending the cancel.
        if (run.Status == Running && run.DeadlineAt - now < delay)
        {
            delay = run.DeadlineAt > now ? run.DeadlineAt - now : TimeSpan.Zero;
        }

        var at = now + delay;
        return Unconfirmed(run with { PollAttempt = run.PollAttempt + 1, NextStepDueAt = at }, now, inputs, RunStep.Poll(at));
    }

    /// <summary>The submit step, at the lease's end, looks the statement up instead of sending it.</summary>
    private static RunTransition LookUpLater(RunRecord run, DateTimeOffset now, bool leaseFree)
    {
        var at = leaseFree ? now : run.SubmitLeaseUntil!.Value;
        return new RunTransition(run with { NextStepDueAt = at }, RunStep.Submit(at), RunNotice.None);
    }

    private static RunTransition PollNow(RunRecord run, DateTimeOffset now) =>
        new(run with { PollAttempt = run.PollAttempt + 1, NextStepDueAt = now }, RunStep.Poll(now), RunNotice.None);

    private static RunTransition Stay(RunRecord run) => new(run, RunStep.None, RunNotice.None);

    /// <summary>
    /// A Cancelling run past the grace without Redshift's answer stays active; the first time, the outcome is reported
    /// unconfirmed (an alert) and the reason says so.
    /// </summary>
    private static RunTransition Unconfirmed(RunRecord run, DateTimeOffset now, RunDecisionInputs inputs, RunStep step)
    {
        if (run.Status != Cancelling || run.UnconfirmedAt is not null)
        {
            return new RunTransition(run, step, RunNotice.None);
        }

        var askedAt = run.CancelReason == CancelReasons.User && run.CancelRequestedAt is { } requested ? requested : run.DeadlineAt;
        if (now < askedAt + inputs.CancelGrace)
        {
            return new RunTransition(run, step, RunNotice.None);
        }

        var what = run.CancelReason == CancelReasons.Timeout ? "deadline passed" : "cancel requested";
        return new RunTransition(
            run with
            {
                UnconfirmedAt = now,
                StatusReason = $"{what}; cancel not yet confirmed by Redshift after {Format(inputs.CancelGrace)} (still asking); " +
                    "the run's outcome is unknown until Redshift answers",
            },
            step,
            RunNotice.Unconfirmed);
    }

    /// <summary>
    /// The run ends in <paramref name="status"/>. A Failed, TimedOut or Lost run that its mart retries gets its
    /// <see cref="RunSummary.RetryAt"/> in this same write (so a crash right after it cannot lose the retry) and a retry step.
    /// </summary>
    private static RunTransition End(RunDecisionInputs inputs, RunRecord run, RunStatus status, DateTimeOffset now, string? error)
    {
        var ended = run with
        {
            Status = status,
            // What is stored is what every page, alert and log shows: never a credential from the SQL or its error.
            Error = SecretRedactor.Redact(error, run.Parameters),
            CompletedAt = now,
            NextStepDueAt = null,
            SubmitLeaseUntil = null,
            StatusReason = status == RunStatus.Succeeded ? run.StatusReason : null,
        };
        var retryAt = RunRetries.IsRetriable(status) ? RunRetries.DueAt(ended, inputs.Retry, now, inputs.RetryJitter) : null;
        return retryAt is { } at
            ? new(ended with { RetryAt = at }, RunStep.Retry(at), RunNotice.Ended)
            : new(ended, RunStep.None, RunNotice.Ended);
    }

    private static List<RunSubStatement>? SubStatementsOf(RunRecord run, DescribeStatementResponse statement)
    {
        if (statement.SubStatements is not { Count: > 0 } reported)
        {
            return null;
        }

        var list = new List<RunSubStatement>(reported.Count);
        for (var position = 0; position < reported.Count; position++)
        {
            var sub = reported[position];
            var colon = sub.Id.LastIndexOf(':');
            var index = colon >= 0 && int.TryParse(sub.Id.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : position + 1;
            var sql = SecretRedactor.Redact(sub.QueryString ?? (run.SqlStatements is { } sqls && index <= sqls.Count ? sqls[index - 1] : ""))!;
            list.Add(new RunSubStatement(
                index,
                sql,
                sub.Status ?? "UNKNOWN",
                sub.Duration is { } d ? (long)d.TotalMilliseconds : null,
                sub.ResultRows,
                SecretRedactor.Redact(sub.Error, run.Parameters)));
        }

        return list;
    }

    /// <summary><paramref name="at"/>, but for a Submitting run whose deadline is still ahead, no later than the deadline.</summary>
    private static DateTimeOffset NotPastDeadline(RunRecord run, DateTimeOffset now, DateTimeOffset at) =>
        run.Status == Submitting && run.DeadlineAt > now && at > run.DeadlineAt ? run.DeadlineAt : at;

    private static string Format(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);
}
