using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Scheduler.Marts;
using Scheduler.Redshift.Model;
using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Retries;

namespace Scheduler.Tests.Runs;

/// <summary>
/// The retry decision made in the write that ends a run (<see cref="RunStateMachine"/> with <see cref="RunRetries"/>):
/// which statuses, how many attempts, which errors, and when.
/// </summary>
[Trait("Category", "Fast")]
public sealed class RunRetryDecisionTests
{
    private static readonly FakeTimeProvider Time = new(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData("FAILED", RunStatus.Failed, true)]
    [InlineData("FINISHED", RunStatus.Succeeded, false)]
    [InlineData("ABORTED", RunStatus.Cancelled, false)]
    public void Polled_SetsRetryAtOnlyForAFailure(string redshiftStatus, RunStatus ended, bool retried)
    {
        var inputs = Inputs(new MartRetryPolicy(2, TimeSpan.FromMinutes(5), []), jitter: 0);
        var run = Running();
        var now = Time.GetUtcNow();

        var transition = RunStateMachine.Decide(run, new RunEvent.Polled(Statement(redshiftStatus), run.PollAttempt), now, inputs)!;

        Assert.Equal(ended, transition.Next.Status);
        Assert.Equal(RunNotice.Ended, transition.Notice);
        if (retried)
        {
            Assert.Equal(now + TimeSpan.FromMinutes(5), transition.Next.RetryAt);
            Assert.Equal(RunStep.Retry(now + TimeSpan.FromMinutes(5)), transition.Step);
        }
        else
        {
            Assert.Null(transition.Next.RetryAt);
            Assert.Equal(RunStepKind.None, transition.Step.Kind);
        }
    }

    [Fact]
    public void TimedOutAndLostRuns_AreRetried_ButAUserCancelNever()
    {
        var inputs = Inputs(new MartRetryPolicy(1, TimeSpan.FromMinutes(1), []), jitter: 0);
        var now = Time.GetUtcNow();
        var neverSent = Running() with { Status = RunStatus.Submitting, StatementId = null, SubmitAttemptedAt = null, SubmitAttempts = 0 };

        var timedOut = RunStateMachine.Decide(neverSent, new RunEvent.DeadlinePassed(), neverSent.DeadlineAt, inputs)!;
        var lost = RunStateMachine.Decide(Running(), new RunEvent.StatementUnknown("s", "ResourceNotFoundException"), now, inputs)!;
        var cancelled = RunStateMachine.Decide(neverSent, new RunEvent.CancelRequested(), now, inputs)!;
        var abortedByTimeout = RunStateMachine.Decide(Running() with { Status = RunStatus.Cancelling, CancelReason = CancelReasons.Timeout },
            new RunEvent.Polled(Statement("ABORTED"), 3), now, inputs)!;

        Assert.Equal((RunStatus.TimedOut, neverSent.DeadlineAt + TimeSpan.FromMinutes(1)), (timedOut.Next.Status, timedOut.Next.RetryAt));
        Assert.Equal((RunStatus.Lost, now + TimeSpan.FromMinutes(1)), (lost.Next.Status, lost.Next.RetryAt));
        Assert.Equal((RunStatus.TimedOut, now + TimeSpan.FromMinutes(1)), (abortedByTimeout.Next.Status, abortedByTimeout.Next.RetryAt));
        Assert.Equal((RunStatus.Cancelled, (DateTimeOffset?)null), (cancelled.Next.Status, cancelled.Next.RetryAt));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void AnAttempt_IsRetried_WhileItsNumberIsAtMostAttempts(int attempt, bool retried)
    {
        var inputs = Inputs(new MartRetryPolicy(3, TimeSpan.FromMinutes(5), []), jitter: 0);
        var run = Running() with { Attempt = attempt };

        var transition = RunStateMachine.Decide(run, new RunEvent.Polled(Statement("FAILED"), run.PollAttempt), Time.GetUtcNow(), inputs)!;

        Assert.Equal(retried, transition.Next.RetryAt is not null);
    }

    [Fact]
    public void NoRetries_ByDefault_OrForAMartNoLongerConfigured()
    {
        var defaults = Inputs(MartRetryPolicy.None, jitter: 0);
        var gone = RunDecisionInputs.From(new RunsOptions(), mart: null, pollJitter: 1, retryJitter: 0);
        var run = Running();

        Assert.Null(RunStateMachine.Decide(run, new RunEvent.Polled(Statement("FAILED"), 3), Time.GetUtcNow(), defaults)!.Next.RetryAt);
        Assert.Null(RunStateMachine.Decide(run, new RunEvent.Polled(Statement("FAILED"), 3), Time.GetUtcNow(), gone)!.Next.RetryAt);
    }

    [Theory]
    [InlineData("ERROR: 1023 Serializable isolation violation on table - 123456", true)]
    [InlineData("ERROR: could not obtain LOCK on relation orders", true)]
    [InlineData("ERROR: division by zero", false)]
    public void OnErrors_RetriesOnlyAMatchingError_CaseInsensitive(string error, bool retried)
    {
        var patterns = new[] { "serializable isolation", "lock" }
            .Select(p => new Regex(p, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)))
            .ToList();
        var inputs = Inputs(new MartRetryPolicy(2, TimeSpan.FromMinutes(5), patterns), jitter: 0);
        var run = Running();

        var transition = RunStateMachine.Decide(run, new RunEvent.Polled(Statement("FAILED", error), run.PollAttempt), Time.GetUtcNow(), inputs)!;

        Assert.Equal(RunStatus.Failed, transition.Next.Status);
        Assert.Equal(retried, transition.Next.RetryAt is not null);
    }

    [Fact]
    public void OnErrors_DoesNotMatchTheSchedulersOwnTimeoutText()
    {
        var inputs = Inputs(new MartRetryPolicy(2, TimeSpan.FromMinutes(5), [new Regex("serializable", RegexOptions.IgnoreCase)]), jitter: 0);
        var neverSent = Running() with { Status = RunStatus.Submitting, StatementId = null, SubmitAttemptedAt = null, SubmitAttempts = 0 };

        var timedOut = RunStateMachine.Decide(neverSent, new RunEvent.DeadlinePassed(), neverSent.DeadlineAt, inputs)!;

        Assert.Equal(RunStatus.TimedOut, timedOut.Next.Status);
        Assert.Null(timedOut.Next.RetryAt);
    }

    [Fact]
    public void Delay_DoublesPerAttempt_CappedAtAnHour()
    {
        var retry = new MartRetryPolicy(10, TimeSpan.FromMinutes(5), []);

        var delays = Enumerable.Range(1, 7).Select(attempt => RunRetries.Delay(retry, attempt, jitter: 0)).ToList();

        Assert.Equal(
            new[] { 5, 10, 20, 40, 60, 60, 60 }.Select(m => TimeSpan.FromMinutes(m)),
            delays);
        Assert.Equal(TimeSpan.FromHours(1), RunRetries.Delay(new MartRetryPolicy(1, TimeSpan.FromHours(1), []), 20, jitter: 0));
    }

    [Fact]
    public void Delay_Jitter_ShortensByAtMostTwentyPercent()
    {
        var retry = new MartRetryPolicy(3, TimeSpan.FromMinutes(5), []);
        // The real source of the draws: each decision gets its own jitter.
        var policy = new RunPolicy(Options.Create(new RunsOptions()), new MartCatalog([LedgerFixture.Mart("m") with { Retry = retry }]));
        var now = Time.GetUtcNow();
        var run = Running() with { Attempt = 2 };

        var dues = Enumerable.Range(0, 200)
            .Select(_ => RunStateMachine.Decide(run, new RunEvent.Polled(Statement("FAILED"), 3), now, policy.InputsFor(run))!.Next.RetryAt!.Value - now)
            .ToList();

        Assert.All(dues, due => Assert.InRange(due, TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(10)));
        Assert.True(dues.Distinct().Count() > 1, "the jitter should spread the retries");
        Assert.Equal(TimeSpan.FromMinutes(8), RunRetries.Delay(retry, 2, jitter: 0.2));
        Assert.Equal(TimeSpan.FromMinutes(8), RunRetries.Delay(retry, 2, jitter: 5)); // out-of-range jitter is clamped
    }

    [Fact]
    public void RetryAbandoned_DropsThePendingRetry_KeepsTheStatus_AndSaysWhy()
    {
        var ended = Running() with { Status = RunStatus.Failed, CompletedAt = Time.GetUtcNow(), RetryAt = Time.GetUtcNow().AddMinutes(5), Error = "boom" };
        var inputs = Inputs(MartRetryPolicy.None, jitter: 0);

        var transition = RunStateMachine.Decide(ended, new RunEvent.RetryAbandoned("Not retried: mart 'm' is paused."), Time.GetUtcNow(), inputs)!;
        var again = RunStateMachine.Decide(transition.Next, new RunEvent.RetryAbandoned("again"), Time.GetUtcNow(), inputs);

        Assert.Equal(RunStatus.Failed, transition.Next.Status);
        Assert.Null(transition.Next.RetryAt);
        Assert.Equal("Not retried: mart 'm' is paused.", transition.Next.StatusReason);
        Assert.Equal("boom", transition.Next.Error);
        Assert.Equal(RunNotice.RetryAbandoned, transition.Notice);
        Assert.Null(again);
        Assert.Null(RunStateMachine.Decide(ended with { Status = RunStatus.Cancelled }, new RunEvent.RetryAbandoned("x"), Time.GetUtcNow(), inputs));
    }

    private static RunDecisionInputs Inputs(MartRetryPolicy retry, double jitter) =>
        RunDecisionInputs.From(new RunsOptions(), LedgerFixture.Mart("m") with { Retry = retry }, pollJitter: 1, retryJitter: jitter);

    private static RunRecord Running() => new()
    {
        RunId = Guid.NewGuid(),
        Mart = "m",
        Trigger = RunTrigger.Manual,
        LogicalDate = Time.GetUtcNow(),
        Status = RunStatus.Running,
        StatementName = "scheduler/m/x",
        ClientToken = "x",
        CreatedAt = Time.GetUtcNow().AddMinutes(-10),
        DeadlineAt = Time.GetUtcNow().AddMinutes(20),
        StatementId = "s",
        SubmittedAt = Time.GetUtcNow().AddMinutes(-10),
        SubmitAttemptedAt = Time.GetUtcNow().AddMinutes(-10),
        SubmitAttempts = 1,
        PollAttempt = 3,
        SqlStatements = ["select 1"],
    };

    private static DescribeStatementResponse Statement(string status, string? error = null) => new()
    {
        Id = "s",
        Status = status,
        Error = status == "FAILED" ? error ?? "ERROR: division by zero" : null,
        UpdatedAt = Time.GetUtcNow(),
    };
}
