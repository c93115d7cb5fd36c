using System.Text.Json;
using Microsoft.Extensions.Options;
using Scheduler.Database;
using Scheduler.Redshift.Model;
using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Steps;

namespace Scheduler.Tests.Runs;

public sealed class RunLedgerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = LedgerFixture.T0;
    private LedgerFixture _f = null!;

    public async Task InitializeAsync() => _f = await LedgerFixture.CreateAsync(nameof(RunLedgerTests));

    public async Task DisposeAsync() => await _f.DisposeAsync();

    [Fact]
    public async Task MigrateAsync_AppliesEachMigrationOnce_WhenInstancesStartTogether()
    {
        var others = Enumerable.Range(0, 5)
            .Select(_ => new SchedulerDatabase(Options.Create(new SchedulerDatabaseOptions { ConnectionString = _f.ConnectionString })))
            .ToList();

        await Task.WhenAll(others.Select(d => d.MigrateAsync(CancellationToken.None)));

        var scripts = SchedulerMigrations.For("scheduler").Count;
        Assert.Equal(scripts, await _f.ScalarAsync("SELECT count(*) FROM scheduler.migrations"));
        Assert.Equal(scripts, await _f.ScalarAsync("SELECT max(version) FROM scheduler.migrations"));
        foreach (var database in others)
        {
            await database.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReserveAsync_RecordsSkippedNamingTheActiveRun_WhenTheMartHasOne()
    {
        var first = await _f.ReserveAsync("busy");
        var second = await _f.ReserveAsync("busy");

        Assert.Equal(RunStatus.Submitting, first.Status);
        Assert.Equal(RunStatus.Skipped, second.Status);
        Assert.Equal(first.RunId, second.ActiveRunId);
        Assert.Contains(first.RunId.ToString(), second.Error, StringComparison.Ordinal);
        Assert.Equal("wg", first.Target!.WorkgroupName);
    }

    [Fact]
    public async Task ReserveAsync_LetsExactlyOneRunBeActive_WhenManyTriggersRace()
    {
        var lifecycles = Enumerable.Range(0, 8).Select(_ => _f.NewLifecycle()).ToList();

        var runs = await Task.WhenAll(lifecycles.Select(l => l.ReserveAsync(LedgerFixture.Mart("race"), RunTrigger.Cron, null, CancellationToken.None)));

        Assert.Single(runs, r => r.Run.Status == RunStatus.Submitting);
        Assert.Equal(7, runs.Count(r => r.Run.Status == RunStatus.Skipped));
    }

    [Fact]
    public async Task ReserveAsync_ReturnsTheSameRun_WhenTheTriggerKeyWasUsed()
    {
        var first = await _f.Lifecycle.ReserveAsync(LedgerFixture.Mart("keyed"), RunTrigger.Cron, "hangfire:42", CancellationToken.None);
        var again = await _f.Lifecycle.ReserveAsync(LedgerFixture.Mart("keyed"), RunTrigger.Cron, "hangfire:42", CancellationToken.None);

        Assert.True(first.IsNew);
        Assert.False(again.IsNew);
        Assert.Equal(first.Run.RunId, again.Run.RunId);
        Assert.Equal(1, await _f.ScalarAsync("SELECT count(*) FROM scheduler.runs"));
    }

    [Fact]
    public async Task ReserveAsync_StartsANewRun_WhenThePreviousOneEnded()
    {
        var first = await _f.ReserveAsync("again");
        await _f.Lifecycle.ApplyAsync(first.RunId, new RunEvent.CancelRequested(), CancellationToken.None);

        var second = await _f.ReserveAsync("again");

        Assert.Equal(RunStatus.Submitting, second.Status);
        Assert.NotEqual(first.RunId, second.RunId);
    }

    [Fact]
    public async Task ApplyAsync_WritesNothing_WhenTheEventIsRefused()
    {
        var run = await _f.RunningAsync("refused");
        var before = await _f.Ledger.GetAsync(run.RunId, CancellationToken.None);
        _f.Time.Advance(TimeSpan.FromMinutes(1));

        var stale = await _f.Lifecycle.ApplyAsync(run.RunId, new RunEvent.PollFailed(run.PollAttempt - 1, "late copy"), CancellationToken.None);
        var notAllowed = await _f.Lifecycle.ApplyAsync(run.RunId, new RunEvent.NotSubmittable("nothing"), CancellationToken.None);
        var after = await _f.Ledger.GetAsync(run.RunId, CancellationToken.None);

        Assert.False(stale.Applied);
        Assert.False(notAllowed.Applied);
        Assert.Equal(before!.Version, after!.Version);
        Assert.Equal(before.PollAttempt, after.PollAttempt);
        Assert.Equal(1, await _f.ScalarAsync($"SELECT count(*) FROM scheduler.runs WHERE run_id = '{run.RunId}' AND updated_at = '{T0:O}'"));
    }

    [Fact]
    public async Task ApplyAsync_RecordsOneOutcome_WhenACancelAndAFinishRace()
    {
        var run = await _f.RunningAsync("racing");
        var finished = new DescribeStatementResponse { Id = "stmt-1", Status = "FINISHED", UpdatedAt = T0 };

        var results = await Task.WhenAll(
            Enumerable.Range(0, 10).Select(i => i % 2 == 0
                ? _f.NewLifecycle().ApplyAsync(run.RunId, new RunEvent.Polled(finished, null), CancellationToken.None)
                : _f.NewLifecycle().ApplyAsync(run.RunId, new RunEvent.CancelRequested(), CancellationToken.None)));
        var stored = await _f.Ledger.GetAsync(run.RunId, CancellationToken.None);

        // Whatever the order, Redshift's FINISHED is the outcome: a cancel only moves the run to Cancelling.
        Assert.Equal(RunStatus.Succeeded, stored!.Status);
        Assert.Single(results, r => r.Applied && r.Run!.Status == RunStatus.Succeeded);
        Assert.Equal(results.Count(r => r.Applied), stored.Version - run.Version);
    }

    [Fact]
    public async Task ApplyAsync_SchedulesThePollAtTheNewAttempt_WhenSubmitted()
    {
        var run = await _f.RunningAsync("scheduled");

        var poll = Assert.Single(_f.Jobs.Created, c => c.Job.Type == typeof(PollRunJob));
        Assert.Equal(run.RunId, poll.Job.Args[0]);
        Assert.Equal(run.PollAttempt, poll.Job.Args[1]);
        Assert.Equal(1, run.PollAttempt);
        Assert.Equal(RunStatus.Running, run.Status);
    }

    [Fact]
    public async Task ListAsync_ReturnsSummariesNewestFirst_FilteredByMartAndStatus()
    {
        for (var i = 0; i < 3; i++)
        {
            _f.Time.SetUtcNow(T0.AddMinutes(i));
            var run = await _f.ReserveAsync("list_a");
            await _f.Lifecycle.ApplyAsync(run.RunId,
                i == 1 ? new RunEvent.NotSubmittable("bad SQL") : new RunEvent.CancelRequested(), CancellationToken.None);
        }

        _f.Time.SetUtcNow(T0.AddMinutes(10));
        await _f.ReserveAsync("list_b");

        var a = await _f.Ledger.ListAsync("list_a", null, 10, CancellationToken.None);
        var failed = await _f.Ledger.ListAsync(null, RunStatus.Failed, 10, CancellationToken.None);
        var limited = await _f.Ledger.ListAsync(null, null, 2, CancellationToken.None);
        var last = await _f.Ledger.GetLastRunsAsync(["list_a", "list_b", "never_ran"], CancellationToken.None);

        Assert.Equal([T0.AddMinutes(2), T0.AddMinutes(1), T0], a.Select(r => r.CreatedAt));
        Assert.All(a, r => Assert.IsNotType<RunRecord>(r));
        Assert.Equal("list_a", Assert.Single(failed).Mart);
        Assert.Equal(2, limited.Count);
        Assert.Equal("list_b", limited[0].Mart);
        Assert.Equal(T0.AddMinutes(2), last["list_a"].CreatedAt);
        Assert.Equal(RunStatus.Submitting, last["list_b"].Status);
        Assert.False(last.ContainsKey("never_ran"));
    }

    [Fact]
    public async Task PurgeAsync_DeletesOldEndedRuns_SkippedSooner_AndNeverAnActiveOne()
    {
        var old = await _f.ReserveAsync("purge");
        var oldSkipped = await _f.ReserveAsync("purge");
        await _f.Lifecycle.ApplyAsync(old.RunId, new RunEvent.CancelRequested(), CancellationToken.None);
        _f.Time.SetUtcNow(T0.AddDays(10));
        var active = await _f.ReserveAsync("purge");
        var recentSkipped = await _f.ReserveAsync("purge");

        var deletedSkippedOnly = await _f.Store.PurgeAsync(before: T0.AddDays(-1), skippedBefore: T0.AddDays(5), 1000, CancellationToken.None);
        var deletedOld = await _f.Store.PurgeAsync(before: T0.AddDays(20), skippedBefore: T0.AddDays(5), 1000, CancellationToken.None);

        Assert.Equal(1, deletedSkippedOnly);
        Assert.Equal(1, deletedOld);
        Assert.Null(await _f.Ledger.GetAsync(oldSkipped.RunId, CancellationToken.None));
        Assert.Null(await _f.Ledger.GetAsync(old.RunId, CancellationToken.None));
        Assert.NotNull(await _f.Ledger.GetAsync(active.RunId, CancellationToken.None));
        Assert.NotNull(await _f.Ledger.GetAsync(recentSkipped.RunId, CancellationToken.None));
    }

    [Fact]
    public async Task PurgeAsync_KeepsARun_WhenItChangedSinceThePurgeReadIt()
    {
        var changed = await _f.ReserveAsync("purge_race");
        await _f.Lifecycle.ApplyAsync(changed.RunId, new RunEvent.CancelRequested(), CancellationToken.None);
        var unchanged = await _f.ReserveAsync("purge_race");
        await _f.Lifecycle.ApplyAsync(unchanged.RunId, new RunEvent.CancelRequested(), CancellationToken.None);
        var found = await _f.Store.ListPurgeableAsync(T0.AddDays(1), T0.AddDays(1), 1000, CancellationToken.None);
        var read = (await _f.Store.GetAsync(changed.RunId, CancellationToken.None))!;
        Assert.True(await _f.Store.TryUpdateAsync(read, read with { StatusReason = "changed after the purge read it" }, T0, CancellationToken.None));

        var deleted = await _f.Store.DeleteAsync(found, CancellationToken.None);

        Assert.Equal(2, found.Count);
        Assert.Equal(1, deleted);
        Assert.NotNull(await _f.Ledger.GetAsync(changed.RunId, CancellationToken.None));
        Assert.Null(await _f.Ledger.GetAsync(unchanged.RunId, CancellationToken.None));
    }

    [Fact]
    public async Task DeleteAsync_NeverDeletesAnActiveRun_EvenAtItsVersion()
    {
        var active = await _f.ReserveAsync("purge_active");

        var deleted = await _f.Store.DeleteAsync([(active.RunId, active.Version)], CancellationToken.None);

        Assert.Equal(0, deleted);
        Assert.NotNull(await _f.Ledger.GetAsync(active.RunId, CancellationToken.None));
    }

    [Fact]
    public async Task MarkPropagatedAsync_RefusesTheMark_WhenTheRunChangedSinceItWasRead()
    {
        var run = await _f.ReserveAsync("propagated");
        var ended = (await _f.Lifecycle.ApplyAsync(run.RunId, new RunEvent.CancelRequested(), CancellationToken.None)).Run!;
        Assert.True(await _f.Store.TryUpdateAsync(ended, ended with { StatusReason = "changed after the propagator read it" }, T0, CancellationToken.None));
        var current = (await _f.Store.GetAsync(run.RunId, CancellationToken.None))!;

        var staleMark = await _f.Lifecycle.MarkPropagatedAsync(ended, CancellationToken.None);
        var unmarked = await _f.ScalarAsync($"SELECT count(*) FROM scheduler.runs WHERE run_id = '{run.RunId}' AND propagated_at IS NULL");
        var currentMark = await _f.Lifecycle.MarkPropagatedAsync(current, CancellationToken.None);
        var secondMark = await _f.Lifecycle.MarkPropagatedAsync(current, CancellationToken.None);

        Assert.False(staleMark);
        Assert.Equal(1, unmarked);
        Assert.True(currentMark);
        Assert.False(secondMark);
        Assert.Equal(current.Version, (await _f.Store.GetAsync(run.RunId, CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task RunRecord_SerialisesToTheContractsRunJson()
    {
        var run = await _f.RunningAsync("json", "stmt-9");
        _f.Time.Advance(TimeSpan.FromSeconds(4));
        await _f.Lifecycle.ApplyAsync(run.RunId, new RunEvent.Polled(new DescribeStatementResponse
        {
            Id = "stmt-9",
            Status = "FINISHED",
            UpdatedAt = T0.AddSeconds(3),
            SubStatements = [new SubStatementData { Id = "stmt-9:1", Status = "FINISHED", Duration = TimeSpan.FromMilliseconds(12), ResultRows = 1, QueryString = "select 1" }],
        }, run.PollAttempt), CancellationToken.None);
        var stored = await _f.Ledger.GetAsync(run.RunId, CancellationToken.None);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(stored, RunJson.Options));

        var root = json.RootElement;
        Assert.Equal(run.RunId.ToString(), root.GetProperty("runId").GetString());
        Assert.Equal("json", root.GetProperty("mart").GetString());
        Assert.Equal("manual", root.GetProperty("trigger").GetString());
        Assert.Equal("Succeeded", root.GetProperty("status").GetString());
        Assert.Equal("stmt-9", root.GetProperty("statementId").GetString());
        Assert.Equal(T0, root.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(T0, root.GetProperty("submittedAt").GetDateTimeOffset());
        Assert.Equal(T0.AddSeconds(3), root.GetProperty("statementFinishedAt").GetDateTimeOffset());
        Assert.Equal(T0.AddSeconds(4), root.GetProperty("completedAt").GetDateTimeOffset());
        Assert.EndsWith("+00:00", root.GetProperty("completedAt").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("error").ValueKind);
        Assert.Equal(1, root.GetProperty("pollCount").GetInt32());
        var sub = Assert.Single(root.GetProperty("subStatements").EnumerateArray().ToList());
        Assert.Equal(1, sub.GetProperty("index").GetInt32());
        Assert.Equal("select 1", sub.GetProperty("sql").GetString());
        Assert.Equal("FINISHED", sub.GetProperty("status").GetString());
        Assert.Equal(12, sub.GetProperty("durationMs").GetInt64());
        Assert.Equal(1, sub.GetProperty("resultRows").GetInt64());
        Assert.False(root.TryGetProperty("sqlStatements", out _));
        Assert.False(root.TryGetProperty("target", out _));
        Assert.False(root.TryGetProperty("version", out _));
    }
}
