using Scheduler.Redshift.Model;
using Scheduler.Runs;

namespace Scheduler.Tests.Runs;

public sealed class RunProgressTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static RunRecord Run(string? cancelReason = null) => new()
    {
        RunId = Guid.NewGuid(),
        Mart = "m",
        Trigger = RunTrigger.Manual,
        Status = cancelReason is null ? RunStatus.Running : RunStatus.Cancelling,
        StatementName = "scheduler/m/x",
        ClientToken = "x",
        CreatedAt = T0,
        DeadlineAt = T0.AddMinutes(30),
        CancelReason = cancelReason,
        StatementId = "s",
        SqlStatements = ["select 1", "select * from nope"],
    };

    private static DescribeStatementResponse Statement(string status, string? error = null) => new()
    {
        Id = "s",
        Status = status,
        Error = error,
        UpdatedAt = T0.AddSeconds(5),
        SubStatements =
        [
            new SubStatementData { Id = "s:1", Status = "FINISHED", Duration = TimeSpan.FromMilliseconds(1500), ResultRows = 1, QueryString = "select 1" },
            new SubStatementData { Id = "s:2", Status = status == "FAILED" ? "FAILED" : status, Error = error, QueryString = "select * from nope" },
        ],
    };

    [Theory]
    // Redshift's non-terminal statuses, and values outside the model, mean "still running".
    [InlineData("SUBMITTED")]
    [InlineData("PICKED")]
    [InlineData("STARTED")]
    [InlineData("UNKNOWN")]
    [InlineData(null)]
    public void OutcomeOf_IsNull_WhenTheStatementIsNotTerminal(string? status) =>
        Assert.Null(RunProgress.OutcomeOf(Run(), new DescribeStatementResponse { Id = "s", Status = status }));

    [Fact]
    public void OutcomeOf_IsSucceededWithSubStatementFigures_WhenFinished()
    {
        var outcome = RunProgress.OutcomeOf(Run(), Statement("FINISHED"))!;

        Assert.Equal(RunStatus.Succeeded, outcome.Status);
        Assert.Equal(T0.AddSeconds(5), outcome.StatementFinishedAt);
        Assert.Equal(1500, outcome.SubStatements![0].DurationMs);
        Assert.Equal(1, outcome.SubStatements[0].ResultRows);
        Assert.Equal(2, outcome.SubStatements[1].Index);
    }

    [Fact]
    public void OutcomeOf_NamesTheFailingStatementAndItsSql_WhenFailed()
    {
        var outcome = RunProgress.OutcomeOf(Run(), Statement("FAILED", "relation \"nope\" does not exist"))!;

        Assert.Equal(RunStatus.Failed, outcome.Status);
        Assert.Equal(2, outcome.FailedStatementIndex);
        Assert.Equal("Statement 2 of 2 failed: relation \"nope\" does not exist\nSQL: select * from nope", outcome.Error);
    }

    [Theory]
    [InlineData(CancelReasons.User, RunStatus.Cancelled)]
    [InlineData(CancelReasons.Timeout, RunStatus.TimedOut)]
    [InlineData(null, RunStatus.Cancelled)]
    public void OutcomeOf_DependsOnWhoCancelled_WhenAborted(string? reason, RunStatus expected) =>
        Assert.Equal(expected, RunProgress.OutcomeOf(Run(reason), Statement("ABORTED"))!.Status);
}
