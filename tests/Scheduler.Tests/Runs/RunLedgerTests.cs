using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Runs;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Runs;

public sealed class RunLedgerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _dataSource = null!;
    private RunLedger _ledger = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(nameof(RunLedgerTests)));
        _ledger = new RunLedger(_dataSource, Options.Create(new RunsOptions()));
    }

    public async Task DisposeAsync()
    {
        _ledger.Dispose();
        await _dataSource.DisposeAsync();
    }

    [Fact]
    public async Task EnsureSchemaAsync_AppliesEachMigrationOnce_WhenInstancesStartTogether()
    {
        var ledgers = Enumerable.Range(0, 5).Select(_ => new RunLedger(_dataSource, Options.Create(new RunsOptions()))).ToList();

        await Task.WhenAll(ledgers.Select(l => l.EnsureSchemaAsync(CancellationToken.None)));
        await _ledger.EnsureSchemaAsync(CancellationToken.None);

        await using var command = _dataSource.CreateCommand("SELECT count(*), max(version) FROM scheduler.migrations");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(1L, reader.GetInt64(0));
        Assert.Equal(1, reader.GetInt32(1));
        ledgers.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task ReserveAsync_RecordsSkippedNamingTheActiveRun_WhenTheMartHasOne()
    {
        var first = await _ledger.ReserveAsync("sales", RunTrigger.Cron, null, TimeSpan.FromHours(1), T0, CancellationToken.None);
        var second = await _ledger.ReserveAsync("sales", RunTrigger.Manual, null, TimeSpan.FromHours(1), T0.AddSeconds(1), CancellationToken.None);

        Assert.Equal(RunStatus.Submitting, first.Run.Status);
        Assert.Equal(RunStatus.Skipped, second.Run.Status);
        Assert.Equal(first.Run.RunId, second.Run.ActiveRunId);
        Assert.Contains(first.Run.RunId.ToString(), second.Run.Error, StringComparison.Ordinal);
        Assert.NotNull(second.Run.CompletedAt);
    }

    [Fact]
    public async Task ReserveAsync_LetsExactlyOneRunBeActive_WhenManyTriggersRace()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            _ledger.ReserveAsync("race", RunTrigger.Manual, null, TimeSpan.FromHours(1), T0, CancellationToken.None)));

        Assert.Single(results, r => r.Run.Status == RunStatus.Submitting);
        Assert.Equal(19, results.Count(r => r.Run.Status == RunStatus.Skipped));
        var active = results.Single(r => r.Run.Status == RunStatus.Submitting).Run.RunId;
        Assert.All(results.Where(r => r.Run.Status == RunStatus.Skipped), r => Assert.Equal(active, r.Run.ActiveRunId));
    }

    [Fact]
    public async Task ReserveAsync_ReturnsTheSameRun_WhenTheTriggerKeyWasUsed()
    {
        var first = await _ledger.ReserveAsync("keyed", RunTrigger.Cron, "hangfire:42", TimeSpan.FromHours(1), T0, CancellationToken.None);
        var again = await _ledger.ReserveAsync("keyed", RunTrigger.Cron, "hangfire:42", TimeSpan.FromHours(1), T0, CancellationToken.None);

        Assert.True(first.IsNew);
        Assert.False(again.IsNew);
        Assert.Equal(first.Run.RunId, again.Run.RunId);
        Assert.Single(await _ledger.ListAsync("keyed", null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task ReserveAsync_StartsANewRun_WhenThePreviousOneEnded()
    {
        var first = await _ledger.ReserveAsync("again", RunTrigger.Cron, null, TimeSpan.FromHours(1), T0, CancellationToken.None);
        Assert.True(await _ledger.CompleteAsync(first.Run.RunId, new RunOutcome(RunStatus.Succeeded, null), 0, false, T0.AddMinutes(1), CancellationToken.None));

        var second = await _ledger.ReserveAsync("again", RunTrigger.Cron, null, TimeSpan.FromHours(1), T0.AddMinutes(2), CancellationToken.None);

        Assert.Equal(RunStatus.Submitting, second.Run.Status);
    }

    [Fact]
    public async Task CompleteAsync_KeepsTheFirstOutcome_WhenCalledTwice()
    {
        var run = (await _ledger.ReserveAsync("twice", RunTrigger.Manual, null, TimeSpan.FromHours(1), T0, CancellationToken.None)).Run;

        var first = await _ledger.CompleteAsync(run.RunId, new RunOutcome(RunStatus.Failed, "boom", 2), 1, false, T0.AddMinutes(1), CancellationToken.None);
        var second = await _ledger.CompleteAsync(run.RunId, new RunOutcome(RunStatus.Succeeded, null), 1, false, T0.AddMinutes(2), CancellationToken.None);

        var stored = await _ledger.GetAsync(run.RunId, CancellationToken.None);
        Assert.True(first);
        Assert.False(second);
        Assert.Equal(RunStatus.Failed, stored!.Status);
        Assert.Equal("boom", stored.Error);
        Assert.Equal(2, stored.FailedStatementIndex);
        Assert.Equal(T0.AddMinutes(1), stored.CompletedAt);
        Assert.Equal(1, stored.PollCount);
    }

    [Fact]
    public async Task AdvancePollAsync_MovesOnlyFromTheCurrentAttempt()
    {
        var run = (await _ledger.ReserveAsync("polls", RunTrigger.Manual, null, TimeSpan.FromHours(1), T0, CancellationToken.None)).Run;
        await _ledger.RecordSubmitAttemptAsync(run.RunId, ["select 1", "select 2"], T0, CancellationToken.None);
        var checkpointed = await _ledger.CheckpointStatementAsync(run.RunId, "stmt-1", T0, T0.AddSeconds(2), CancellationToken.None);

        var advanced = await _ledger.AdvancePollAsync(run.RunId, 1, T0.AddSeconds(5), true, T0, CancellationToken.None);
        var stale = await _ledger.AdvancePollAsync(run.RunId, 1, T0.AddSeconds(5), true, T0, CancellationToken.None);

        var stored = await _ledger.GetAsync(run.RunId, CancellationToken.None);
        Assert.Equal(RunStatus.Running, checkpointed!.Status);
        Assert.Equal(1, checkpointed.PollAttempt);
        Assert.True(advanced);
        Assert.False(stale);
        Assert.Equal(2, stored!.PollAttempt);
        Assert.Equal(1, stored.PollCount);
        Assert.Equal(T0.AddSeconds(5), stored.NextPollAt);
        Assert.Equal(["select 1", "select 2"], stored.SubStatements.Select(s => s.Sql));
    }

    [Fact]
    public async Task CheckpointStatementAsync_ReturnsNull_WhenAnotherCopyCheckpointedFirst()
    {
        var run = (await _ledger.ReserveAsync("copies", RunTrigger.Manual, null, TimeSpan.FromHours(1), T0, CancellationToken.None)).Run;
        await _ledger.RecordSubmitAttemptAsync(run.RunId, ["select 1"], T0, CancellationToken.None);

        var first = await _ledger.CheckpointStatementAsync(run.RunId, "stmt-1", T0, T0, CancellationToken.None);
        var second = await _ledger.CheckpointStatementAsync(run.RunId, "stmt-1", T0, T0, CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(second);
    }

    [Fact]
    public async Task RecordSubmitAttemptAsync_RefusesTheFirstAttempt_WhenTheRunWasCancelledBeforeIt()
    {
        var run = (await _ledger.ReserveAsync("cancelled", RunTrigger.Manual, null, TimeSpan.FromHours(1), T0, CancellationToken.None)).Run;
        await _ledger.RequestCancelAsync(run.RunId, CancelReasons.User, T0, CancellationToken.None);

        var attempt = await _ledger.RecordSubmitAttemptAsync(run.RunId, ["select 1"], T0, CancellationToken.None);

        Assert.Null(attempt);
    }

    [Fact]
    public async Task ListAsync_ReturnsNewestFirst_FilteredByMartAndStatus()
    {
        for (var i = 0; i < 3; i++)
        {
            var run = (await _ledger.ReserveAsync("list_a", RunTrigger.Manual, null, TimeSpan.FromHours(1), T0.AddMinutes(i), CancellationToken.None)).Run;
            await _ledger.CompleteAsync(run.RunId, new RunOutcome(i == 1 ? RunStatus.Failed : RunStatus.Succeeded, null), 0, false, T0.AddMinutes(i), CancellationToken.None);
        }

        await _ledger.ReserveAsync("list_b", RunTrigger.Manual, null, TimeSpan.FromHours(1), T0.AddMinutes(10), CancellationToken.None);

        var a = await _ledger.ListAsync("list_a", null, 10, CancellationToken.None);
        var failed = await _ledger.ListAsync(null, RunStatus.Failed, 10, CancellationToken.None);
        var limited = await _ledger.ListAsync(null, null, 2, CancellationToken.None);
        var last = await _ledger.GetLastRunsAsync(CancellationToken.None);

        Assert.Equal([T0.AddMinutes(2), T0.AddMinutes(1), T0], a.Select(r => r.CreatedAt));
        Assert.Equal("list_a", Assert.Single(failed).Mart);
        Assert.Equal(2, limited.Count);
        Assert.Equal("list_b", limited[0].Mart);
        Assert.Equal(T0.AddMinutes(2), last["list_a"].CreatedAt);
        Assert.Equal(RunStatus.Submitting, last["list_b"].Status);
    }

    [Fact]
    public async Task RunRecord_SerialisesToTheContractsRunJson()
    {
        var run = (await _ledger.ReserveAsync("json", RunTrigger.Manual, null, TimeSpan.FromHours(1), T0, CancellationToken.None)).Run;
        await _ledger.RecordSubmitAttemptAsync(run.RunId, ["select 1"], T0, CancellationToken.None);
        await _ledger.CheckpointStatementAsync(run.RunId, "stmt-9", T0.AddSeconds(1), T0.AddSeconds(2), CancellationToken.None);
        await _ledger.CompleteAsync(run.RunId,
            new RunOutcome(RunStatus.Succeeded, null, null, T0.AddSeconds(3), [new RunSubStatement(1, "select 1", "FINISHED", 12, 1, null)]),
            1, false, T0.AddSeconds(4), CancellationToken.None);
        var stored = await _ledger.GetAsync(run.RunId, CancellationToken.None);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(stored, RunJson.Options));

        var root = json.RootElement;
        Assert.Equal(run.RunId.ToString(), root.GetProperty("runId").GetString());
        Assert.Equal("json", root.GetProperty("mart").GetString());
        Assert.Equal("manual", root.GetProperty("trigger").GetString());
        Assert.Equal("Succeeded", root.GetProperty("status").GetString());
        Assert.Equal("stmt-9", root.GetProperty("statementId").GetString());
        Assert.Equal(T0, root.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(T0.AddSeconds(1), root.GetProperty("submittedAt").GetDateTimeOffset());
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
    }
}
