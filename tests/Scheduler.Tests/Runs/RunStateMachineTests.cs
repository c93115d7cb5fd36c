using Microsoft.Extensions.Options;
using Scheduler.Marts;
using Scheduler.Redshift.Model;
using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;

namespace Scheduler.Tests.Runs;

/// <summary>The lifecycle as a table: every (status, event) pair, without PostgreSQL.</summary>
[Trait("Category", "Fast")]
public sealed class RunStateMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly RunDecisionInputs Inputs =
        RunDecisionInputs.From(new RunsOptions { CancelGrace = TimeSpan.FromMinutes(2) }, mart: null, pollJitter: 1, retryJitter: 0);

    public static TheoryData<RunStatus, RunEventKind> AllPairs()
    {
        var data = new TheoryData<RunStatus, RunEventKind>();
        foreach (var status in Enum.GetValues<RunStatus>())
        {
            foreach (var kind in Enum.GetValues<RunEventKind>())
            {
                data.Add(status, kind);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void Decide_ReachesOnlyTheTablesStatuses_AndRefusesEveryPairNotInIt(RunStatus status, RunEventKind kind)
    {
        var decisions = Variants(status)
            .SelectMany(run => Events(kind, run).Select(evt => (run, evt)))
            .Select(pair => (pair.run, pair.evt, transition: RunStateMachine.Decide(pair.run, pair.evt, pair.run.CreatedAt.AddMinutes(45), Inputs)))
            .ToList();
        Assert.NotEmpty(decisions);

        if (!RunStateMachine.Table.TryGetValue((status, kind), out var allowed))
        {
            Assert.All(decisions, d => Assert.Null(d.transition));
            return;
        }

        // Every allowed pair is reachable for some run in that status, and each decision lands where the table says.
        Assert.Contains(decisions, d => d.transition is not null);
        foreach (var (_, _, transition) in decisions)
        {
            if (transition is not null)
            {
                Assert.Contains(transition.Next.Status, allowed);
            }
        }

        // And every status the table lists is reached by some variant.
        foreach (var target in allowed)
        {
            Assert.Contains(decisions, d => d.transition?.Next.Status == target);
        }
    }

    [Fact]
    public void Table_NeverLeavesATerminalStatus()
    {
        // The one event of an ended run, RetryAbandoned, only drops its pending retry: the status stays.
        Assert.All(RunStateMachine.Table.Where(entry => entry.Key.From.IsTerminal()), entry =>
        {
            Assert.Equal(RunEventKind.RetryAbandoned, entry.Key.Event);
            Assert.Equal([entry.Key.From], entry.Value);
        });
    }

    [Fact]
    public void DeadlinePassed_KeepsARunningStatementActiveAsCancelling_NeverEndsIt()
    {
        var run = Running();

        var transition = RunStateMachine.Decide(run, new RunEvent.DeadlinePassed(), run.DeadlineAt.AddHours(1), Inputs)!;

        Assert.Equal(RunStatus.Cancelling, transition.Next.Status);
        Assert.Equal(CancelReasons.Timeout, transition.Next.CancelReason);
        Assert.Equal(RunStepKind.Poll, transition.Step.Kind);
        Assert.Equal(run.PollAttempt + 1, transition.Next.PollAttempt);
    }

    [Fact]
    public void PollFailed_PastTheGrace_StaysCancellingAndReportsUnconfirmedOnce()
    {
        var run = Running() with { Status = RunStatus.Cancelling, CancelReason = CancelReasons.Timeout, CancelRequestedAt = T0.AddMinutes(30) };
        var late = run.DeadlineAt + Inputs.CancelGrace + TimeSpan.FromSeconds(1);

        var first = RunStateMachine.Decide(run, new RunEvent.PollFailed(run.PollAttempt, "ThrottlingException"), late, Inputs)!;
        var second = RunStateMachine.Decide(first.Next, new RunEvent.PollFailed(first.Next.PollAttempt, "ThrottlingException"), late.AddMinutes(1), Inputs)!;

        Assert.Equal(RunStatus.Cancelling, first.Next.Status);
        Assert.Equal(RunNotice.Unconfirmed, first.Notice);
        Assert.Contains("cancel not yet confirmed", first.Next.StatusReason, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Cancelling, second.Next.Status);
        Assert.Equal(RunNotice.None, second.Notice);
        Assert.Equal(RunStepKind.Poll, second.Step.Kind);
    }

    [Fact]
    public void Polled_Finished_IsSucceeded_EvenAfterTheTimeoutsCancel()
    {
        var run = Running() with { Status = RunStatus.Cancelling, CancelReason = CancelReasons.Timeout };

        var transition = RunStateMachine.Decide(run, new RunEvent.Polled(Statement("FINISHED"), run.PollAttempt), run.DeadlineAt.AddHours(1), Inputs)!;

        Assert.Equal(RunStatus.Succeeded, transition.Next.Status);
        Assert.Null(transition.Next.Error);
        Assert.Contains("before the cancel (timeout) took effect", transition.Next.StatusReason, StringComparison.Ordinal);
        Assert.Equal(T0.AddSeconds(5), transition.Next.StatementFinishedAt);
        Assert.Equal(1500, transition.Next.SubStatements[0].DurationMs);
    }

    [Fact]
    public void Polled_Failed_NamesTheFailingStatementAndItsSql()
    {
        var transition = RunStateMachine.Decide(Running(), new RunEvent.Polled(Statement("FAILED", "relation \"nope\" does not exist"), 1), T0.AddMinutes(1), Inputs)!;

        Assert.Equal(RunStatus.Failed, transition.Next.Status);
        Assert.Equal(2, transition.Next.FailedStatementIndex);
        Assert.Equal("Statement 2 of 2 failed: relation \"nope\" does not exist\nSQL: select * from nope", transition.Next.Error);
    }

    [Theory]
    [InlineData(CancelReasons.User, RunStatus.Cancelled)]
    [InlineData(CancelReasons.Timeout, RunStatus.TimedOut)]
    [InlineData(null, RunStatus.Cancelled)]
    public void Polled_Aborted_DependsOnWhoCancelled(string? reason, RunStatus expected)
    {
        var run = Running() with { Status = reason is null ? RunStatus.Running : RunStatus.Cancelling, CancelReason = reason };

        var transition = RunStateMachine.Decide(run, new RunEvent.Polled(Statement("ABORTED"), null), T0.AddMinutes(1), Inputs)!;

        Assert.Equal(expected, transition.Next.Status);
    }

    [Fact]
    public void Polled_StillRunning_FromAStalePoll_IsRefused()
    {
        var run = Running();

        Assert.Null(RunStateMachine.Decide(run, new RunEvent.Polled(Statement("STARTED"), run.PollAttempt - 1), T0.AddMinutes(1), Inputs));
        Assert.Null(RunStateMachine.Decide(run, new RunEvent.Polled(Statement("STARTED"), null), T0.AddMinutes(1), Inputs));
    }

    [Fact]
    public void CancelRequested_WhileASubmitMayBeInFlight_LooksItUpAfterTheLease_NeverEndsTheRun()
    {
        var run = Submitting() with { SubmitAttemptedAt = T0, SubmitAttempts = 1, SubmitLeaseUntil = T0.AddMinutes(4) };

        var transition = RunStateMachine.Decide(run, new RunEvent.CancelRequested(), T0.AddMinutes(1), Inputs)!;

        Assert.Equal(RunStatus.Cancelling, transition.Next.Status);
        Assert.Equal(RunStep.Submit(T0.AddMinutes(4)), transition.Step);
        // And the submit step may not send it any more.
        Assert.Null(RunStateMachine.Decide(transition.Next, new RunEvent.SubmitAttempted(["select 1"]), T0.AddMinutes(5), Inputs));
    }

    [Fact]
    public void StatementNotFound_IsRefused_WhileTheSubmitLeaseIsLive()
    {
        var run = Submitting() with { Status = RunStatus.Cancelling, CancelReason = CancelReasons.User, SubmitAttemptedAt = T0, SubmitLeaseUntil = T0.AddMinutes(4) };

        Assert.Null(RunStateMachine.Decide(run, new RunEvent.StatementNotFound(null), T0.AddMinutes(3), Inputs));
        Assert.Equal(RunStatus.Cancelled, RunStateMachine.Decide(run, new RunEvent.StatementNotFound(null), T0.AddMinutes(4), Inputs)!.Next.Status);
    }

    [Fact]
    public void SubmitRefused_AfterAnEarlierAttempt_IsRefused_SoOnlyALookupCanEndIt()
    {
        var run = Submitting() with { SubmitAttemptedAt = T0, SubmitAttempts = 2 };

        Assert.Null(RunStateMachine.Decide(run, new RunEvent.SubmitRefused("AccessDeniedException"), T0.AddMinutes(1), Inputs));
        Assert.Equal(RunStatus.Failed, RunStateMachine.Decide(run, new RunEvent.StatementNotFound("AccessDeniedException"), T0.AddMinutes(1), Inputs)!.Next.Status);
    }

    [Fact]
    public void SlotGranted_ToASubmittingRun_KeepsItSubmitting_HoldingTheSlot_WithoutSchedulingAnything()
    {
        var transition = RunStateMachine.Decide(Submitting(), new RunEvent.SlotGranted(Slot), T0, Inputs)!;

        Assert.Equal(RunStatus.Submitting, transition.Next.Status);
        Assert.Equal(Slot, transition.Next.SlotKey);
        Assert.Equal(RunStep.None, transition.Step); // the submit step that took it goes on to send
        // A run that already holds a slot does not take a second one.
        Assert.Null(RunStateMachine.Decide(transition.Next, new RunEvent.SlotGranted(Slot), T0, Inputs));
    }

    [Fact]
    public void SlotUnavailable_QueuesTheRun_UntilTheBackoff_AndSchedulesNoJob()
    {
        var run = Submitting() with { SlotKey = Slot, SubmitAttemptedAt = T0, SubmitAttempts = 1, SubmitLeaseUntil = T0.AddMinutes(2) };

        var transition = RunStateMachine.Decide(run, new RunEvent.SlotUnavailable(Slot, T0.AddSeconds(30), "ActiveStatementsExceededException"), T0, Inputs)!;

        Assert.Equal(RunStatus.Queued, transition.Next.Status);
        Assert.Equal(T0.AddSeconds(30), transition.Next.NextStepDueAt); // not given a slot again before the backoff
        Assert.Null(transition.Next.SubmitLeaseUntil);
        Assert.Equal(RunStep.None, transition.Step); // the queue starts it when a slot frees
        Assert.Equal(RunNotice.Queued, transition.Notice);
        Assert.False(transition.Next.Status.IsTerminal());
    }

    [Fact]
    public void SlotGranted_ToAQueuedRun_MakesItSubmitting_AndEnqueuesItsSubmitAtOnce_OnlyForItsOwnTarget()
    {
        var queued = Submitting() with { Status = RunStatus.Queued, SlotKey = Slot, NextStepDueAt = T0 };

        Assert.Null(RunStateMachine.Decide(queued, new RunEvent.SlotGranted("cluster:other"), T0.AddMinutes(1), Inputs));
        var transition = RunStateMachine.Decide(queued, new RunEvent.SlotGranted(Slot), T0.AddMinutes(1), Inputs)!;

        Assert.Equal(RunStatus.Submitting, transition.Next.Status);
        Assert.Equal(Slot, transition.Next.SlotKey);
        Assert.Equal(RunStep.Submit(T0.AddMinutes(1)), transition.Step);
    }

    [Fact]
    public void CancelRequested_WhileQueued_IsCancelledAtOnce_NothingSent()
    {
        var queued = Submitting() with { Status = RunStatus.Queued, SlotKey = Slot };

        var transition = RunStateMachine.Decide(queued, new RunEvent.CancelRequested(), T0.AddMinutes(1), Inputs)!;

        Assert.Equal(RunStatus.Cancelled, transition.Next.Status);
        Assert.Equal(RunNotice.Ended, transition.Notice);
        Assert.Contains("nothing ran", transition.Next.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void DeadlinePassed_WhileQueued_IsTimedOut_NeverSubmitted()
    {
        var queued = Submitting() with { Status = RunStatus.Queued, SlotKey = Slot };

        Assert.Null(RunStateMachine.Decide(queued, new RunEvent.DeadlinePassed(), T0.AddMinutes(29), Inputs));
        var transition = RunStateMachine.Decide(queued, new RunEvent.DeadlinePassed(), T0.AddMinutes(30), Inputs)!;

        Assert.Equal(RunStatus.TimedOut, transition.Next.Status);
        Assert.Contains("still queued", transition.Next.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void CancelRequested_WhileQueuedAfterAnAttempt_LooksTheStatementUp_NeverEndsTheRun()
    {
        // Queued again after ActiveStatementsExceededException: an earlier attempt (a timeout) may have reached AWS.
        var queued = Submitting() with { Status = RunStatus.Queued, SlotKey = Slot, SubmitAttemptedAt = T0, SubmitAttempts = 2 };

        var transition = RunStateMachine.Decide(queued, new RunEvent.CancelRequested(), T0.AddMinutes(1), Inputs)!;

        Assert.Equal(RunStatus.Cancelling, transition.Next.Status);
        Assert.Equal(RunStepKind.Submit, transition.Step.Kind);
    }

    private const string Slot = "workgroup:wg";

    private static RunRecord Submitting() => new()
    {
        RunId = Guid.NewGuid(),
        Mart = "m",
        Trigger = RunTrigger.Manual,
        LogicalDate = T0,
        Status = RunStatus.Submitting,
        StatementName = "scheduler/m/x",
        ClientToken = "x",
        CreatedAt = T0,
        DeadlineAt = T0.AddMinutes(30),
        Target = new RedshiftTarget("wg", null, "dev", null, null),
    };

    private static RunRecord Running() => Submitting() with
    {
        Status = RunStatus.Running,
        StatementId = "s",
        SubmittedAt = T0,
        SubmitAttemptedAt = T0,
        SubmitAttempts = 1,
        PollAttempt = 3,
        SqlStatements = ["select 1", "select * from nope"],
    };

    /// <summary>Runs in <paramref name="status"/> in the shapes that matter to the guards.</summary>
    private static IEnumerable<RunRecord> Variants(RunStatus status)
    {
        var neverSent = Submitting();
        var sent = Submitting() with { SubmitAttemptedAt = T0, SubmitAttempts = 1 };
        var sentTwice = sent with { SubmitAttempts = 2 };
        var running = Running();
        var retryDue = Running() with { CompletedAt = T0.AddMinutes(10), RetryAt = T0.AddMinutes(15) };
        foreach (var run in new[] { neverSent, sent, sentTwice, running, retryDue })
        {
            foreach (var reason in new string?[] { null, CancelReasons.User, CancelReasons.Timeout })
            {
                foreach (var slot in new string?[] { null, Slot })
                {
                    yield return run with
                    {
                        Status = status,
                        CancelReason = status == RunStatus.Cancelling ? reason ?? CancelReasons.User : null,
                        CancelRequestedAt = status == RunStatus.Cancelling ? T0.AddMinutes(1) : null,
                        SlotKey = slot,
                    };
                }
            }
        }
    }

    /// <summary>The events of <paramref name="kind"/> that could reach <paramref name="run"/>, with plausible payloads.</summary>
    private static IEnumerable<RunEvent> Events(RunEventKind kind, RunRecord run) => kind switch
    {
        RunEventKind.SubmitAttempted => [new RunEvent.SubmitAttempted(["select 1"])],
        RunEventKind.SubmitDeferred => [new RunEvent.SubmitDeferred(T0.AddMinutes(46), "ThrottlingException")],
        RunEventKind.Submitted => [new RunEvent.Submitted("s-new")],
        RunEventKind.SubmitRefused => [new RunEvent.SubmitRefused("ValidationException")],
        RunEventKind.NotSubmittable => [new RunEvent.NotSubmittable("invalid SQL")],
        RunEventKind.StatementNotFound => [new RunEvent.StatementNotFound("AccessDeniedException")],
        RunEventKind.Polled => new[] { "FINISHED", "FAILED", "ABORTED", "STARTED" }
            .Select(status => new RunEvent.Polled(Statement(status, id: run.StatementId ?? "s"), run.PollAttempt)),
        RunEventKind.PollFailed => [new RunEvent.PollFailed(run.PollAttempt, "ThrottlingException")],
        RunEventKind.StatementUnknown => [new RunEvent.StatementUnknown(run.StatementId ?? "s", "ResourceNotFoundException")],
        RunEventKind.CancelRequested => [new RunEvent.CancelRequested()],
        RunEventKind.DeadlinePassed => [new RunEvent.DeadlinePassed()],
        RunEventKind.StepOverdue => [new RunEvent.StepOverdue(T0.AddMinutes(44))],
        RunEventKind.PollRequested => [new RunEvent.PollRequested()],
        RunEventKind.SlotGranted => [new RunEvent.SlotGranted(Slot)],
        RunEventKind.SlotUnavailable => [new RunEvent.SlotUnavailable(Slot, null, "150 of 150 in use"), new RunEvent.SlotUnavailable(Slot, T0.AddMinutes(46), "ActiveStatementsExceededException")],
        RunEventKind.RetryAbandoned => [new RunEvent.RetryAbandoned("Not retried: mart 'm' is paused.")],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "an event kind this test does not know: add it"),
    };

    private static DescribeStatementResponse Statement(string status, string? error = null, string id = "s") => new()
    {
        Id = id,
        Status = status,
        Error = error,
        UpdatedAt = T0.AddSeconds(5),
        SubStatements =
        [
            new SubStatementData { Id = "s:1", Status = "FINISHED", Duration = TimeSpan.FromMilliseconds(1500), ResultRows = 1, QueryString = "select 1" },
            new SubStatementData { Id = "s:2", Status = status == "FAILED" ? "FAILED" : status, Error = error, QueryString = "select * from nope" },
        ],
    };
}
