using System.Collections.Frozen;
using System.Globalization;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;
using Scheduler.Sql;

namespace Scheduler.Runs;

/// <summary>
/// The run lifecycle as one pure function: given a run, an event and the time, the run as it must be stored next (or
/// null: the event is refused and nothing is written). <see cref="Table"/> lists every allowed (status, event) pair and
/// the statuses it may lead to; docs/run-lifecycle.md draws it. <see cref="RunLifecycle"/> stores the decision with a
/// compare-and-swap and schedules the step it asks for.
/// </summary>
/// <remarks>
/// The rule that shapes the table: once BatchExecuteStatement may have reached AWS, a terminal status is recorded only
/// on the Data API's word about the statement (a terminal DescribeStatement, a lookup by name that finds nothing while
/// no submit call is in flight, or the service saying it no longer knows the id). Deadlines and cancels move a run to
/// Cancelling, never to an end.
/// </remarks>
internal static class RunStateMachine
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
    /// </summary>
    public static RunTransition? Decide(RunRecord run, RunEvent evt, DateTimeOffset now, RunPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(evt);
        ArgumentNullException.ThrowIfNull(policy);
        if (!Table.ContainsKey((run.Status, evt.Kind)))
        {
            return null;
        }

        var leaseFree = run.SubmitLeaseUntil is not { } lease || lease <= now;
        // Within the ClientToken's window a resend cannot start a second execution, even beside a call still in flight
        // (Hangfire re-running the job of a dead worker); recovery still waits for the lease, so it never piles resends
        // onto a slow call.
        var resendIsSafe = run.Status == Submitting && (run.SubmitAttemptedAt is not { } first || now - first <= policy.ClientTokenWindow);
        return evt.Kind switch
        {
            RunEventKind.SubmitAttempted when run.StatementId is null && (leaseFree || resendIsSafe) && evt.Statements is { Count: > 0 } statements =>
                Stay(run with
                {
                    SqlStatements = run.SqlStatements ?? statements,
                    SubStatements = run.SqlStatements is null
                        ? [.. statements.Select((sql, i) => new RunSubStatement(i + 1, SecretRedactor.Redact(sql)!, "SUBMITTED", null, null, null))]
                        : run.SubStatements,
                    SubmitAttemptedAt = run.SubmitAttemptedAt ?? now,
                    SubmitAttempts = run.SubmitAttempts + 1,
                    SubmitLeaseUntil = now + policy.SubmitLease,
                    // Recovery leaves the run alone while the call may be in flight.
                    NextPollAt = now + policy.SubmitLease,
                }),

            RunEventKind.SubmitDeferred when run.StatementId is null && evt.At is { } retryAt =>
                Unconfirmed(run with
                {
                    SubmitLeaseUntil = null,
                    NextPollAt = retryAt,
                    // A Submitting run says why it is not sent yet (throttled, paused); a Cancelling one keeps its reason.
                    StatusReason = run.Status == Submitting ? SecretRedactor.Redact(evt.Error) : run.StatusReason,
                }, now, policy, RunStep.Submit(retryAt)),

            RunEventKind.Submitted when run.StatementId is null && evt.StatementId is { } statementId =>
                Submitted(run, statementId, now, policy),

            RunEventKind.SubmitRefused when run.StatementId is null && run.SubmitAttempts <= 1 =>
                End(policy, run, RunStatus.Failed, now, $"BatchExecuteStatement was refused: {evt.Error}"),

            RunEventKind.NotSubmittable when run.SubmitAttemptedAt is null =>
                End(policy, run, RunStatus.Failed, now, evt.Error ?? "The run could not be submitted."),

            RunEventKind.StatementNotFound when run.StatementId is null && run.SubmitAttemptedAt is not null && leaseFree =>
                NotFound(run, evt, now, policy),

            RunEventKind.Polled when evt.Statement is { } statement && statement.Id == run.StatementId =>
                StatusString.IsTerminal(statement.Status)
                    ? Outcome(run, statement, now, policy)
                    : evt.PollAttempt == run.PollAttempt
                        ? NextPoll(run with { PollCount = run.PollCount + 1 }, now, policy, policy.NextPoll(run, run.PollAttempt))
                        : null,

            RunEventKind.PollFailed when run.StatementId is not null && evt.PollAttempt == run.PollAttempt =>
                NextPoll(run with { PollCount = run.PollCount + 1 }, now, policy, policy.AfterPollError(run, run.PollAttempt)),

            RunEventKind.StatementUnknown when run.StatementId is not null && evt.StatementId == run.StatementId =>
                End(policy, run with { PollCount = run.PollCount + 1 }, RunStatus.Lost, now,
                    $"Redshift no longer knows statement {run.StatementId} ({evt.Error}). The Data API keeps a statement's metadata for " +
                    "about 24 hours, so this run's outcome cannot be known: check the mart's tables."),

            RunEventKind.SlotGranted when run.StatementId is null && evt.SlotKey is { } key && run.Status == Submitting && run.SlotKey is null =>
                // Taken by the submit step itself, which goes on to send: no job to schedule.
                Stay(run with { SlotKey = key }),

            RunEventKind.SlotGranted when evt.SlotKey is { } key && run.Status == Queued && run.SlotKey == key =>
                new RunTransition(run with { Status = Submitting, StatusReason = null, NextPollAt = now }, RunStep.Submit(now), RunNotice.None),

            RunEventKind.SlotUnavailable when run.StatementId is null && evt.SlotKey is { } key =>
                // next_poll_at is when the queue may hand it a slot again (now, or after a backoff); nothing is scheduled:
                // the queue starts it when a slot frees.
                new RunTransition(run with
                {
                    Status = Queued,
                    SlotKey = key,
                    SubmitLeaseUntil = null,
                    NextPollAt = evt.At is { } notBefore && notBefore > now ? notBefore : now,
                    StatusReason = SecretRedactor.Redact(evt.Error),
                }, RunStep.None, run.Status == Queued ? RunNotice.None : RunNotice.Queued),

            RunEventKind.CancelRequested => run switch
            {
                { Status: Submitting or Queued, SubmitAttemptedAt: null } =>
                    End(policy, run, RunStatus.Cancelled, now, "Cancelled before it was submitted; nothing ran in Redshift."),
                { Status: Submitting or Queued } =>
                    // A submit may be in flight: never send again, look the statement up once the lease is over.
                    LookUpLater(Cancel(run, CancelReasons.User, now, "cancel requested; looking up whether the batch reached Redshift"), now, leaseFree),
                _ => PollNow(Cancel(run, CancelReasons.User, now, "cancel requested; waiting for Redshift to confirm"), now),
            },

            RunEventKind.DeadlinePassed when now >= run.DeadlineAt => run switch
            {
                { Status: Submitting or Queued, SubmitAttemptedAt: null } =>
                    End(policy, run, RunStatus.TimedOut, now,
                        $"Not submitted within the mart's timeout ({Format(run.DeadlineAt - run.CreatedAt)}); nothing ran in Redshift." +
                        (run.Status == Queued ? " It was still queued for a slot on its workgroup or cluster." : "") +
                        (evt.Error is null ? "" : $" Last error: {evt.Error}")),
                { Status: Submitting or Queued } =>
                    LookUpLater(Cancel(run, CancelReasons.Timeout, now, "deadline passed; looking up whether the batch reached Redshift"), now, leaseFree),
                _ => PollNow(Cancel(run, CancelReasons.Timeout, now, "deadline passed; cancel not yet confirmed by Redshift"), now),
            },

            RunEventKind.StepOverdue when evt.At is { } dueBefore && (run.NextPollAt ?? run.CreatedAt) < dueBefore =>
                run.StatementId is null
                    ? leaseFree ? new RunTransition(run with { NextPollAt = now }, RunStep.Submit(now), RunNotice.None) : null
                    : PollNow(run, now),

            RunEventKind.PollRequested when run.StatementId is not null => PollNow(run, now),

            RunEventKind.RetryAbandoned when run.RetryAt is not null =>
                new RunTransition(run with { RetryAt = null, StatusReason = SecretRedactor.Redact(evt.Error) }, RunStep.None, RunNotice.RetryAbandoned),

            _ => null,
        };
    }

    /// <summary>The outcome a terminal DescribeStatement shows for the run.</summary>
    private static RunTransition Outcome(RunRecord run, DescribeStatementResponse statement, DateTimeOffset now, RunPolicy policy)
    {
        var subs = SubStatementsOf(run, statement);
        var counted = run with { PollCount = run.PollCount + 1, StatementFinishedAt = statement.UpdatedAt, SubStatements = subs ?? run.SubStatements };
        switch (statement.Status)
        {
            case StatusString.Finished:
                return End(policy, counted with
                {
                    StatusReason = run.CancelReason is null ? null
                        : $"Redshift finished the statement before the cancel ({run.CancelReason}) took effect; its work is committed.",
                }, RunStatus.Succeeded, now, null);

            case StatusString.Failed:
                var all = counted.SubStatements;
                var failing = all.FirstOrDefault(s => s.Status == StatusString.Failed) ?? all.FirstOrDefault(s => s.Error is not null);
                var error = statement.Error ?? failing?.Error ?? "no error text";
                return failing is null
                    ? End(policy, counted, RunStatus.Failed, now, $"Redshift reported FAILED: {error}")
                    : End(policy, counted with { FailedStatementIndex = failing.Index }, RunStatus.Failed, now,
                        $"Statement {failing.Index} of {all.Count} failed: {error}\nSQL: {failing.Sql}");

            default: // ABORTED
                return run.CancelReason switch
                {
                    CancelReasons.Timeout => End(policy, counted, RunStatus.TimedOut, now,
                        $"Still running at the mart's timeout ({Format(run.DeadlineAt - run.CreatedAt)}); CancelStatement aborted it."),
                    CancelReasons.User => End(policy, counted, RunStatus.Cancelled, now, "Cancelled on request; Redshift aborted the statement."),
                    _ => End(policy, counted, RunStatus.Cancelled, now, "Redshift reports the statement ABORTED: it was cancelled outside the scheduler."),
                };
        }
    }

    private static RunTransition NotFound(RunRecord run, RunEvent evt, DateTimeOffset now, RunPolicy policy)
    {
        var absent = $"Redshift has no statement named {run.StatementName}, so nothing ran.";
        return run.Status == Submitting
            ? End(policy, run, RunStatus.Failed, now, $"BatchExecuteStatement was refused: {evt.Error}. {absent}")
            : run.CancelReason == CancelReasons.Timeout
                ? End(policy, run, RunStatus.TimedOut, now, $"Not submitted within the mart's timeout ({Format(run.DeadlineAt - run.CreatedAt)}). {absent}")
                : End(policy, run, RunStatus.Cancelled, now, $"Cancelled before Redshift accepted the batch. {absent}");
    }

    private static RunTransition Submitted(RunRecord run, string statementId, DateTimeOffset now, RunPolicy policy)
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
            : NextPoll(submitted, now, policy, policy.FirstPoll(run));
    }

    private static RunRecord Cancel(RunRecord run, string reason, DateTimeOffset now, string statusReason) => run with
    {
        Status = Cancelling,
        CancelReason = run.CancelReason ?? reason,
        CancelRequestedAt = run.CancelRequestedAt ?? now,
        StatusReason = statusReason,
    };

    private static RunTransition NextPoll(RunRecord run, DateTimeOffset now, RunPolicy policy, TimeSpan delay)
    {
        // A running statement is polled again no later than its deadline (which then cancels it); a cancelling one
        // keeps its own pace, each poll resending the cancel.
        if (run.Status == Running && run.DeadlineAt - now < delay)
        {
            delay = run.DeadlineAt > now ? run.DeadlineAt - now : TimeSpan.Zero;
        }

        var at = now + delay;
        return Unconfirmed(run with { PollAttempt = run.PollAttempt + 1, NextPollAt = at }, now, policy, RunStep.Poll(at));
    }

    /// <summary>The submit step, at the lease's end, looks the statement up instead of sending it.</summary>
    private static RunTransition LookUpLater(RunRecord run, DateTimeOffset now, bool leaseFree)
    {
        var at = leaseFree ? now : run.SubmitLeaseUntil!.Value;
        return new RunTransition(run with { NextPollAt = at }, RunStep.Submit(at), RunNotice.None);
    }

    private static RunTransition PollNow(RunRecord run, DateTimeOffset now) =>
        new(run with { PollAttempt = run.PollAttempt + 1, NextPollAt = now }, RunStep.Poll(now), RunNotice.None);

    private static RunTransition Stay(RunRecord run) => new(run, RunStep.None, RunNotice.None);

    /// <summary>
    /// A Cancelling run past the grace without Redshift's answer stays active; the first time, the outcome is reported
    /// unconfirmed (an alert) and the reason says so.
    /// </summary>
    private static RunTransition Unconfirmed(RunRecord run, DateTimeOffset now, RunPolicy policy, RunStep step)
    {
        if (run.Status != Cancelling || run.UnconfirmedAt is not null)
        {
            return new RunTransition(run, step, RunNotice.None);
        }

        var askedAt = run.CancelReason == CancelReasons.User && run.CancelRequestedAt is { } requested ? requested : run.DeadlineAt;
        if (now < askedAt + policy.CancelGrace)
        {
            return new RunTransition(run, step, RunNotice.None);
        }

        var what = run.CancelReason == CancelReasons.Timeout ? "deadline passed" : "cancel requested";
        return new RunTransition(
            run with
            {
                UnconfirmedAt = now,
                StatusReason = $"{what}; cancel not yet confirmed by Redshift after {Format(policy.CancelGrace)} (still asking); " +
                    "the run's outcome is unknown until Redshift answers",
            },
            step,
            RunNotice.Unconfirmed);
    }

    /// <summary>
    /// The run ends in <paramref name="status"/>. A Failed, TimedOut or Lost run that its mart retries gets its
    /// <see cref="RunSummary.RetryAt"/> in this same write (so a crash right after it cannot lose the retry) and a retry step.
    /// </summary>
    private static RunTransition End(RunPolicy policy, RunRecord run, RunStatus status, DateTimeOffset now, string? error)
    {
        var ended = run with
        {
            Status = status,
            // What is stored is what every page, alert and log shows: never a credential from the SQL or its error.
            Error = SecretRedactor.Redact(error, run.Parameters),
            CompletedAt = now,
            NextPollAt = null,
            SubmitLeaseUntil = null,
            StatusReason = status == RunStatus.Succeeded ? run.StatusReason : null,
        };
        var retryAt = RunRetries.IsRetriable(status) ? RunRetries.DueAt(ended, policy.RetryPolicy(run.Mart), now, policy.RetryJitter()) : null;
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

    private static string Format(TimeSpan span) => span.ToString("c", CultureInfo.InvariantCulture);
}
