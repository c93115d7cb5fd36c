using Scheduler.Redshift.Model;
using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;

namespace Scheduler.Tests.Runs;

/// <summary>
/// What the state machine tells the jobs to do (<see cref="RunStateMachine.NextSubmitAction"/>,
/// <see cref="RunStateMachine.NextPollAction"/>) and the submit retry's deadline cap, on fixed times.
/// </summary>
[Trait("Category", "Fast")]
public sealed class RunNextActionTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan TokenWindow = TimeSpan.FromHours(7);

    [Theory]
    [InlineData(RunStatus.Succeeded)]
    [InlineData(RunStatus.Failed)]
    [InlineData(RunStatus.Cancelled)]
    [InlineData(RunStatus.TimedOut)]
    [InlineData(RunStatus.Lost)]
    [InlineData(RunStatus.Skipped)]
    [InlineData(RunStatus.Queued)]
    public void NextSubmitAction_IsNothing_WhenTheRunEndedOrIsQueued(RunStatus status)
    {
        var run = Submitting() with { Status = status };

        Assert.Equal(RunJobAction.Nothing, RunStateMachine.NextSubmitAction(run, T0.AddMinutes(1), TokenWindow));
    }

    [Fact]
    public void NextSubmitAction_IsNothing_WhenTheRunIsUnknownOrAlreadySubmitted()
    {
        Assert.Equal(RunJobAction.Nothing, RunStateMachine.NextSubmitAction(null, T0, TokenWindow));
        Assert.Equal(RunJobAction.Nothing, RunStateMachine.NextSubmitAction(Submitting() with { StatementId = "s" }, T0, TokenWindow));
    }

    [Fact]
    public void NextSubmitAction_IsSend_ForAFreshRun_AndForAResendWithinTheTokenWindow()
    {
        var fresh = Submitting();
        var sent = Submitting() with { SubmitAttemptedAt = T0, SubmitAttempts = 1, SubmitLeaseUntil = T0.AddMinutes(2) };

        Assert.Equal(RunJobAction.Send, RunStateMachine.NextSubmitAction(fresh, T0.AddMinutes(1), TokenWindow));
        // Within the window a resend is safe even beside a call still in flight: the ClientToken makes it one execution.
        Assert.Equal(RunJobAction.Send, RunStateMachine.NextSubmitAction(sent, T0.AddMinutes(1), TokenWindow));
    }

    [Fact]
    public void NextSubmitAction_LooksUp_PastTheTokenWindow_OnlyOnceTheLeaseIsOver()
    {
        var run = Submitting() with
        {
            DeadlineAt = T0.AddHours(10),
            SubmitAttemptedAt = T0,
            SubmitAttempts = 2,
            SubmitLeaseUntil = T0.AddHours(7).AddMinutes(2),
        };

        Assert.Equal(RunJobAction.Nothing, RunStateMachine.NextSubmitAction(run, T0.AddHours(7).AddMinutes(1), TokenWindow));
        Assert.Equal(RunJobAction.LookUp, RunStateMachine.NextSubmitAction(run, T0.AddHours(7).AddMinutes(2), TokenWindow));
    }

    [Fact]
    public void NextSubmitAction_LooksUp_ACancellingRun_OnlyOnceTheLeaseIsOver()
    {
        var run = Submitting() with
        {
            Status = RunStatus.Cancelling,
            CancelReason = CancelReasons.User,
            SubmitAttemptedAt = T0,
            SubmitAttempts = 1,
            SubmitLeaseUntil = T0.AddMinutes(2),
        };

        Assert.Equal(RunJobAction.Nothing, RunStateMachine.NextSubmitAction(run, T0.AddMinutes(1), TokenWindow));
        Assert.Equal(RunJobAction.LookUp, RunStateMachine.NextSubmitAction(run, T0.AddMinutes(2), TokenWindow));
        // A Cancelling run past its deadline is still looked up: only a Submitting one gets the deadline.
        Assert.Equal(RunJobAction.LookUp, RunStateMachine.NextSubmitAction(run, run.DeadlineAt.AddMinutes(1), TokenWindow));
    }

    [Fact]
    public void NextSubmitAction_DeliversTheDeadline_ToASubmittingRunPastIt()
    {
        var run = Submitting();

        Assert.Equal(RunJobAction.Send, RunStateMachine.NextSubmitAction(run, run.DeadlineAt.AddTicks(-1), TokenWindow));
        Assert.Equal(RunJobAction.DeliverDeadline, RunStateMachine.NextSubmitAction(run, run.DeadlineAt, TokenWindow));
    }

    [Theory]
    [InlineData(RunStatus.Running, nameof(RunJobAction.Describe))]
    [InlineData(RunStatus.Cancelling, nameof(RunJobAction.CancelThenDescribe))]
    [InlineData(RunStatus.Succeeded, nameof(RunJobAction.Nothing))]
    [InlineData(RunStatus.Failed, nameof(RunJobAction.Nothing))]
    [InlineData(RunStatus.Lost, nameof(RunJobAction.Nothing))]
    public void NextPollAction_DependsOnTheStatus(RunStatus status, string expected)
    {
        var run = Running() with { Status = status };

        Assert.Equal(Enum.Parse<RunJobAction>(expected), RunStateMachine.NextPollAction(run, run.PollAttempt, T0.AddMinutes(1)));
    }

    [Fact]
    public void NextPollAction_IsNothing_ForAStaleAttempt_AnUnknownRun_OrARunWithoutStatement()
    {
        var run = Running();

        Assert.Equal(RunJobAction.Nothing, RunStateMachine.NextPollAction(run, run.PollAttempt - 1, T0.AddMinutes(1)));
        Assert.Equal(RunJobAction.Nothing, RunStateMachine.NextPollAction(null, 1, T0.AddMinutes(1)));
        Assert.Equal(RunJobAction.Nothing, RunStateMachine.NextPollAction(run with { StatementId = null }, run.PollAttempt, T0.AddMinutes(1)));
    }

    [Fact]
    public void NextPollAction_DeliversTheDeadline_ToARunningRunPastIt_ButKeepsCancellingACancellingOne()
    {
        var run = Running();

        Assert.Equal(RunJobAction.Describe, RunStateMachine.NextPollAction(run, run.PollAttempt, run.DeadlineAt.AddTicks(-1)));
        Assert.Equal(RunJobAction.DeliverDeadline, RunStateMachine.NextPollAction(run, run.PollAttempt, run.DeadlineAt));
        Assert.Equal(RunJobAction.CancelThenDescribe,
            RunStateMachine.NextPollAction(run with { Status = RunStatus.Cancelling }, run.PollAttempt, run.DeadlineAt.AddHours(1)));
    }

    [Fact]
    public void SubmitRetryAt_IsCappedAtTheDeadline_OnlyForASubmittingRunWhoseDeadlineIsAhead()
    {
        var run = Submitting(); // deadline T0 + 30 min

        Assert.Equal(T0.AddMinutes(1), RunStateMachine.SubmitRetryAt(run, T0, TimeSpan.FromMinutes(1)));
        Assert.Equal(run.DeadlineAt, RunStateMachine.SubmitRetryAt(run, T0.AddMinutes(29), TimeSpan.FromMinutes(5)));
        Assert.Equal(T0.AddMinutes(36), RunStateMachine.SubmitRetryAt(run, T0.AddMinutes(31), TimeSpan.FromMinutes(5)));
        Assert.Equal(T0.AddMinutes(34),
            RunStateMachine.SubmitRetryAt(run with { Status = RunStatus.Cancelling }, T0.AddMinutes(29), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void SendsAfterEmptyLookup_OnlyForASubmittingRunWhoseLookupDidNotFollowARefusal()
    {
        Assert.True(RunStateMachine.SendsAfterEmptyLookup(Submitting(), followsRefusal: false));
        Assert.False(RunStateMachine.SendsAfterEmptyLookup(Submitting(), followsRefusal: true));
        Assert.False(RunStateMachine.SendsAfterEmptyLookup(Submitting() with { Status = RunStatus.Cancelling }, followsRefusal: false));
    }

    [Fact]
    public void TakesSlotBeforeSending_OnlyASubmittingRunWithoutSlotThatNeverAttemptedASend()
    {
        Assert.True(RunStateMachine.TakesSlotBeforeSending(Submitting()));
        Assert.False(RunStateMachine.TakesSlotBeforeSending(Submitting() with { SlotKey = "workgroup:wg" }));
        Assert.False(RunStateMachine.TakesSlotBeforeSending(Submitting() with { SubmitAttemptedAt = T0, SubmitAttempts = 1 }));
        Assert.False(RunStateMachine.TakesSlotBeforeSending(Submitting() with { Status = RunStatus.Cancelling }));
    }

    [Theory]
    [InlineData(1, 1, true)]
    [InlineData(1, 2, false)] // the client's own retry: the first request may have reached AWS
    [InlineData(2, 1, false)] // an earlier submit attempt may have reached AWS
    public void RefusalProvesNothingRan_OnlyOnTheRunsVeryFirstRequest(int submitAttempts, int httpAttempt, bool expected)
    {
        var attempt = Submitting() with { SubmitAttemptedAt = T0, SubmitAttempts = submitAttempts };

        Assert.Equal(expected, RunStateMachine.RefusalProvesNothingRan(attempt, httpAttempt));
    }

    [Fact]
    public void Decide_SubmitDeferred_NeverSchedulesASubmittingRunPastItsDeadline()
    {
        var run = Submitting() with { SubmitAttemptedAt = T0, SubmitAttempts = 1 };

        var transition = RunStateMachine.Decide(run, new RunEvent.SubmitDeferred(T0.AddHours(1), "ThrottlingException"), T0.AddMinutes(29), Inputs())!;

        Assert.Equal(run.DeadlineAt, transition.Next.NextStepDueAt);
        Assert.Equal(RunStep.Submit(run.DeadlineAt), transition.Step);
        Assert.Equal("ThrottlingException", transition.Next.StatusReason);
    }

    [Fact]
    public void Decide_StatusReasons_HideTheValueOfAHiddenParameter_WhenAnErrorQuotesIt()
    {
        const string Secret = "tok-9f8e7d6c5b4a";
        var run = Submitting() with { SubmitAttemptedAt = T0, SubmitAttempts = 1, Parameters = new Dictionary<string, string> { ["api_token"] = Secret } };
        var quoted = $"BatchExecuteStatement was refused (ValidationException: bad value \"{Secret}\"); looking the statement up by name";

        var deferred = RunStateMachine.Decide(run, new RunEvent.SubmitDeferred(T0.AddMinutes(1), quoted), T0, Inputs())!;
        var queued = RunStateMachine.Decide(run with { SubmitAttemptedAt = null }, new RunEvent.SlotUnavailable("workgroup:wg", null, quoted), T0, Inputs())!;

        Assert.DoesNotContain(Secret, deferred.Next.StatusReason, StringComparison.Ordinal);
        Assert.Contains("ValidationException", deferred.Next.StatusReason, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, queued.Next.StatusReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.85)]
    [InlineData(1.0)]
    [InlineData(1.15)]
    public void Decide_IsAFunctionOfItsInputs_ThePollDelayScaledByTheGivenJitter(double pollJitter)
    {
        var run = Running() with { PollAttempt = 0 };
        var inputs = Inputs() with { PollInitialInterval = TimeSpan.FromSeconds(10), PollJitter = pollJitter };
        var evt = new RunEvent.Polled(new DescribeStatementResponse { Id = "s", Status = "STARTED" }, 0);

        var first = RunStateMachine.Decide(run, evt, T0.AddMinutes(1), inputs)!;
        var second = RunStateMachine.Decide(run, evt, T0.AddMinutes(1), inputs)!;

        Assert.Equal(T0.AddMinutes(1) + TimeSpan.FromSeconds(10 * pollJitter), first.Next.NextStepDueAt);
        Assert.Equal(first, second);
    }

    private static RunDecisionInputs Inputs() => RunDecisionInputs.From(new RunsOptions(), mart: null, pollJitter: 1, retryJitter: 0);

    private static RunRecord Submitting() => new()
    {
        RunId = Guid.Parse("00000000-0000-0000-0000-000000000001"),
        Mart = "m",
        Trigger = RunTrigger.Manual,
        LogicalDate = T0,
        Status = RunStatus.Submitting,
        StatementName = "scheduler/m/x",
        ClientToken = "x",
        CreatedAt = T0,
        DeadlineAt = T0.AddMinutes(30),
    };

    private static RunRecord Running() => Submitting() with
    {
        Status = RunStatus.Running,
        StatementId = "s",
        SubmittedAt = T0,
        SubmitAttemptedAt = T0,
        SubmitAttempts = 1,
        PollAttempt = 3,
        SqlStatements = ["select 1"],
    };
}
