using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Steps;
using Scheduler.Runs.Triggers;
using Scheduler.Testing;

namespace Scheduler.Tests.Runs;

/// <summary>End to end: the real scheduler (Hangfire server on PostgreSQL) against the emulator over a real warehouse.</summary>
public sealed class RunLifecycleTests
{
    private const string Sleep30 = "/* emulator: sleep=30 */ SELECT 1;";

    [Fact]
    public async Task Run_Succeeds_AndFillsTheMart_WhenTheSampleMartRuns()
    {
        await using var harness = await RunHarness.StartAsync("runs_happy", new Dictionary<string, string> { ["customer_summary"] = RunHarness.SampleMartSql() });

        var started = await harness.StartRunAsync("customer_summary");
        var run = await harness.WaitForTerminalAsync(started.RunId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Null(run.Error);
        Assert.NotNull(run.StatementId);
        Assert.NotNull(run.SubmittedAt);
        Assert.NotNull(run.StatementFinishedAt);
        Assert.True(run.CompletedAt >= run.StatementFinishedAt, $"completedAt {run.CompletedAt:O} before statementFinishedAt {run.StatementFinishedAt:O}");
        Assert.True(run.PollCount >= 1);
        Assert.Equal(2, run.SubStatements.Count);
        Assert.All(run.SubStatements, s => Assert.Equal("FINISHED", s.Status));
        Assert.All(run.SubStatements, s => Assert.NotNull(s.DurationMs));
        Assert.Contains("DELETE FROM public.mart_customer_summary", run.SubStatements[0].Sql, StringComparison.Ordinal);
        Assert.Equal(await harness.ScalarAsync("SELECT count(DISTINCT customer_id) FROM orders"), run.SubStatements[1].ResultRows);

        // The mart holds exactly what the query means, computed independently here.
        var mismatches = await harness.ScalarAsync(
            """
            SELECT count(*) FROM (
              (SELECT customer_id, count(DISTINCT order_id) AS n, sum(quantity * unit_price) AS amount, max(order_date) AS last
                 FROM orders GROUP BY customer_id
               EXCEPT
               SELECT customer_id, total_orders, total_amount, last_order_date FROM mart_customer_summary)
              UNION ALL
              (SELECT customer_id, total_orders, total_amount, last_order_date FROM mart_customer_summary
               EXCEPT
               SELECT customer_id, count(DISTINCT order_id), sum(quantity * unit_price), max(order_date) FROM orders GROUP BY customer_id)
            ) diff
            """);
        Assert.Equal(0, mismatches);
        Assert.True(await harness.ScalarAsync("SELECT count(*) FROM mart_customer_summary") > 0);

        var submission = Assert.Single(await harness.SubmissionsAsync(run));
        Assert.Equal(1, submission.Executions);
        Assert.Equal(run.ClientToken, submission.ClientToken);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(run, RunJson.Options));
        Assert.Equal(2, json.RootElement.GetProperty("subStatements").GetArrayLength());
        Assert.Equal("manual", json.RootElement.GetProperty("trigger").GetString());

        // Finished run jobs expire after Runs:JobRetention (10 min), not Hangfire's day: the ledger keeps the history.
        await using var scheduler = Npgsql.NpgsqlDataSource.Create(harness.SchedulerConnectionString);
        await Eventually.HoldsAsync(async () =>
        {
            await using var pending = scheduler.CreateCommand(
                "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%RunJob%' AND (statename IS DISTINCT FROM 'Succeeded' OR expireat IS NULL)");
            return (long)(await pending.ExecuteScalarAsync())! == 0;
        }, "every run job succeeded and has an expiry");

        await using var expiry = scheduler.CreateCommand(
            "SELECT count(*), count(expireat), max(extract(epoch FROM expireat - now())) FROM hangfire.job WHERE invocationdata::text LIKE '%RunJob%'");
        await using var reader = await expiry.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.True(reader.GetInt64(0) >= 2, "expected the submit and poll jobs");
        Assert.Equal(reader.GetInt64(0), reader.GetInt64(1));
        Assert.InRange(reader.GetDouble(2), 0, 11 * 60);
    }

    [Fact]
    public async Task Run_FailsWithRedshiftsErrorAndTheFailingStatement_WhenAStatementFails()
    {
        await using var harness = await RunHarness.StartAsync("runs_fail", new Dictionary<string, string>
        {
            ["broken"] = "INSERT INTO run_marks (note) VALUES ('before');\nSELECT * FROM no_such_table;\nSELECT 3;",
        });

        var started = await harness.StartRunAsync("broken");
        var run = await harness.WaitForTerminalAsync(started.RunId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(2, run.FailedStatementIndex);
        Assert.Contains("no_such_table", run.Error, StringComparison.Ordinal);
        Assert.Contains("Statement 2 of 3", run.Error, StringComparison.Ordinal);
        Assert.Contains("SELECT * FROM no_such_table", run.Error, StringComparison.Ordinal);
        Assert.Equal("FAILED", run.SubStatements.Single(s => s.Index == 2).Status);
        Assert.Equal(0, await harness.ScalarAsync("SELECT count(*) FROM run_marks")); // one transaction: rolled back
        Assert.Equal(1, Assert.Single(await harness.SubmissionsAsync(run)).Executions);

        // It shows in Hangfire's Failed list too, with the error, and is not retried.
        var failed = await WaitForFailedJobAsync(harness, run.RunId);
        Assert.Contains("no_such_table", failed.ExceptionMessage, StringComparison.Ordinal);
        Assert.Equal(typeof(RunFailedException).FullName, failed.ExceptionType);
    }

    [Fact]
    public async Task Cancel_AbortsTheStatement_AndEndsTheRunCancelled()
    {
        await using var harness = await RunHarness.StartAsync("runs_cancel", new Dictionary<string, string> { ["slow"] = Sleep30 });
        var started = await harness.StartRunAsync("slow");
        await harness.WaitForRunAsync(started.RunId, r => r.Status == RunStatus.Running, what: "Running");

        var result = await harness.Trigger.CancelAsync(started.RunId, CancellationToken.None);
        var run = await harness.WaitForTerminalAsync(started.RunId, TimeSpan.FromSeconds(20));
        var again = await harness.Trigger.CancelAsync(started.RunId, CancellationToken.None);

        Assert.Equal(CancelOutcome.Requested, result.Outcome);
        Assert.Equal(RunStatus.Cancelled, run.Status);
        Assert.Equal(CancelReasons.User, run.CancelReason);
        Assert.Equal("ABORTED", Assert.Single(await harness.SubmissionsAsync(run)).Status);
        Assert.Equal(CancelOutcome.NotActive, again.Outcome);
        Assert.Equal(CancelOutcome.NotFound, (await harness.Trigger.CancelAsync(Guid.NewGuid(), CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Run_TimesOut_AndTheStatementIsCancelledInRedshift_WhenItOutlivesTheTimeout()
    {
        await using var harness = await RunHarness.StartAsync("runs_timeout", new Dictionary<string, string> { ["slow"] = Sleep30 },
            new Dictionary<string, string?> { ["Marts:slow:Timeout"] = "00:00:03" });

        var started = await harness.StartRunAsync("slow");
        var run = await harness.WaitForTerminalAsync(started.RunId, TimeSpan.FromSeconds(25));

        Assert.Equal(RunStatus.TimedOut, run.Status);
        Assert.Contains("timeout", run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(CancelReasons.Timeout, run.CancelReason);
        Assert.Equal("ABORTED", Assert.Single(await harness.SubmissionsAsync(run)).Status);
    }

    [Fact]
    public async Task Run_FailsWithTheSplittersMessage_WithoutCallingAws_WhenTheSqlIsInvalid()
    {
        // Start-up validates the SQL too, so the file turns bad afterwards, as when someone edits it.
        await using var harness = await RunHarness.StartAsync("runs_invalid", new Dictionary<string, string> { ["bad"] = "SELECT 1;" });
        await File.WriteAllTextAsync(Path.Combine(harness.SqlRoot, "bad.sql"), "SELECT 1;\nSELECT 'unterminated;\n");

        var started = await harness.StartRunAsync("bad");
        var run = await harness.WaitForTerminalAsync(started.RunId);

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains("bad.sql", run.Error, StringComparison.Ordinal);
        Assert.Contains("line 2", run.Error, StringComparison.Ordinal);
        Assert.Null(run.StatementId);
        Assert.Empty(await harness.Emulator.GetStatementsAsync());
        var failed = await WaitForFailedJobAsync(harness, run.RunId);
        Assert.Contains("line 2", failed.ExceptionMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trigger_RecordsSkippedNamingTheActiveRun_WhenTheMartIsAlreadyRunning()
    {
        await using var harness = await RunHarness.StartAsync("runs_overlap", new Dictionary<string, string> { ["slow"] = Sleep30 });
        var first = await harness.StartRunAsync("slow");
        await harness.WaitForRunAsync(first.RunId, r => r.Status == RunStatus.Running, what: "Running");

        var second = await harness.Trigger.TriggerAsync("slow", RunTrigger.Manual, CancellationToken.None);
        var unknown = await harness.Trigger.TriggerAsync("nope", RunTrigger.Manual, CancellationToken.None);

        Assert.Equal(TriggerOutcome.Skipped, second.Outcome);
        Assert.Equal(first.RunId, second.ActiveRunId);
        Assert.Equal(RunStatus.Skipped, second.Run!.Status);
        Assert.Contains(first.RunId.ToString(), second.Run.Error, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Skipped, (await harness.Ledger.GetAsync(second.Run.RunId, CancellationToken.None))!.Status);
        Assert.Equal(TriggerOutcome.UnknownMart, unknown.Outcome);
        await harness.Trigger.CancelAsync(first.RunId, CancellationToken.None);
        await harness.WaitForTerminalAsync(first.RunId);
        Assert.Single(await harness.Emulator.GetStatementsAsync());
    }

    [Fact]
    public async Task Run_EndsLost_WhenRedshiftForgetsTheStatement()
    {
        await using var harness = await RunHarness.StartAsync("runs_lost",
            new Dictionary<string, string> { ["slow"] = "/* emulator: sleep=8 */ SELECT 1;" },
            new Dictionary<string, string?>(),
            new Dictionary<string, string?> { ["Emulator:StatementRetention"] = "00:00:03" });

        var started = await harness.StartRunAsync("slow");
        var run = await harness.WaitForTerminalAsync(started.RunId, TimeSpan.FromSeconds(20));

        Assert.Equal(RunStatus.Lost, run.Status);
        Assert.Contains("no longer knows statement", run.Error, StringComparison.Ordinal);
        Assert.Contains("24 hours", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_EndsLostQuotingTheService_WhenDescribeOfTheCheckpointedIdAnswersValidationException()
    {
        await using var harness = await RunHarness.StartAsync("runs_lost_validation",
            new Dictionary<string, string> { ["slow"] = "/* emulator: sleep=20 */ SELECT 1;" },
            new Dictionary<string, string?>());
        var started = await harness.StartRunAsync("slow");
        var running = await harness.WaitForRunAsync(started.RunId, r => r.StatementId is not null, what: "checkpointed");

        // The service has answered ValidationException instead of ResourceNotFoundException for expired ids. The
        // emulator answers it for an id outside the service's pattern, so the checkpointed id is made one (upper case).
        var rejected = running.StatementId!.ToUpperInvariant();
        await using (var scheduler = NpgsqlDataSource.Create(harness.SchedulerConnectionString))
        await using (var update = scheduler.CreateCommand("UPDATE scheduler.runs SET statement_id = $1 WHERE run_id = $2"))
        {
            update.Parameters.AddWithValue(rejected);
            update.Parameters.AddWithValue(started.RunId);
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var run = await harness.WaitForTerminalAsync(started.RunId, TimeSpan.FromSeconds(15));

        Assert.Equal(RunStatus.Lost, run.Status);
        Assert.Contains($"no longer knows statement {rejected}", run.Error, StringComparison.Ordinal);
        Assert.Contains($"ValidationException (HTTP 400): 1 validation error detected: Value '{rejected}' at 'id'", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_SucceedsWithExactlyOneExecution_WhenAwsThrottlesAndFails()
    {
        await using var harness = await RunHarness.StartAsync("runs_faults", new Dictionary<string, string>
        {
            ["marked"] = "INSERT INTO run_marks (note) VALUES ('once');\nSELECT count(*) FROM run_marks;",
        });
        await harness.Emulator.SetFaultsAsync(throttleRate: 0.4, errorRate: 0.3, latencyMs: 0);

        var runs = new List<RunRecord>();
        for (var i = 0; i < 3; i++)
        {
            var started = await harness.StartRunAsync("marked");
            runs.Add(await harness.WaitForTerminalAsync(started.RunId, TimeSpan.FromSeconds(90)));
        }

        await harness.Emulator.ClearFaultsAsync();
        Assert.All(runs, r => Assert.Equal(RunStatus.Succeeded, r.Status));
        foreach (var run in runs)
        {
            Assert.Equal(1, Assert.Single(await harness.SubmissionsAsync(run)).Executions);
        }

        Assert.Equal(3, await harness.ScalarAsync("SELECT count(*) FROM run_marks"));
    }

    [Fact]
    public async Task Run_SucceedsWithExactlyOneExecution_WhenPostgreSqlIsUnreachableForAWhile()
    {
        await using var harness = await RunHarness.StartAsync("runs_pgdown",
            new Dictionary<string, string> { ["marked"] = "INSERT INTO run_marks (note) VALUES ('pg');\n/* emulator: sleep=4 */ SELECT 1;" },
            new Dictionary<string, string?> { ["Runs:RecoveryInterval"] = "00:00:01", ["Runs:RecoveryGrace"] = "00:00:05" });
        var started = await harness.StartRunAsync("marked");
        var running = await harness.WaitForRunAsync(started.RunId, r => r.Status == RunStatus.Running, what: "Running");

        // As a PostgreSQL restart looks to the scheduler: every connection dropped, no new ones until the statement
        // has ended in the warehouse, so the scheduler can learn of the end only across the outage.
        var server = await Scheduler.Testing.Postgres.PostgresServer.GetAsync();
        var database = new Npgsql.NpgsqlConnectionStringBuilder(harness.SchedulerConnectionString).Database;
        await using (var admin = Npgsql.NpgsqlDataSource.Create(server.AdminConnectionString))
        {
            await using (var block = admin.CreateCommand($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS false"))
            {
                await block.ExecuteNonQueryAsync();
            }

            await using (var kill = admin.CreateCommand($"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '{database}'"))
            {
                await kill.ExecuteNonQueryAsync();
            }

            await Eventually.HoldsAsync(async () => (await harness.SubmissionsAsync(running)).Any(s => s.Status is "FINISHED" or "FAILED" or "ABORTED"),
                "the statement ended in the warehouse while the scheduler's database refused connections");
            await using var allow = admin.CreateCommand($"ALTER DATABASE \"{database}\" ALLOW_CONNECTIONS true");
            await allow.ExecuteNonQueryAsync();
        }

        var run = await harness.WaitForTerminalAsync(started.RunId, TimeSpan.FromSeconds(120));

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Error}");
        Assert.Equal(1, Assert.Single(await harness.SubmissionsAsync(run)).Executions);
        Assert.Equal(1, await harness.ScalarAsync("SELECT count(*) FROM run_marks"));
    }

    [Fact]
    public async Task Ledger_ListsRecentRunsAndTheLastRunPerMart()
    {
        await using var harness = await RunHarness.StartAsync("runs_list", new Dictionary<string, string>
        {
            ["a"] = "SELECT 1;",
            ["b"] = "SELECT 2;",
        });
        var a1 = await harness.WaitForTerminalAsync((await harness.StartRunAsync("a")).RunId);
        var a2 = await harness.WaitForTerminalAsync((await harness.StartRunAsync("a")).RunId);
        var b1 = await harness.WaitForTerminalAsync((await harness.StartRunAsync("b")).RunId);

        var recent = await harness.Ledger.ListAsync(null, null, 10, CancellationToken.None);
        var onlyA = await harness.Ledger.ListAsync("a", RunStatus.Succeeded, 10, CancellationToken.None);
        var last = await harness.Ledger.GetLastRunsAsync(["a", "b"], CancellationToken.None);

        Assert.Equal([b1.RunId, a2.RunId, a1.RunId], recent.Select(r => r.RunId));
        Assert.Equal([a2.RunId, a1.RunId], onlyA.Select(r => r.RunId));
        Assert.Equal(a2.RunId, last["a"].RunId);
        Assert.Equal(b1.RunId, last["b"].RunId);
        Assert.Null(await harness.Ledger.GetActiveAsync("a", CancellationToken.None));
    }

    private static Task<Hangfire.Storage.Monitoring.FailedJobDto> WaitForFailedJobAsync(RunHarness harness, Guid runId)
    {
        var monitoring = harness.Storage.GetMonitoringApi();
        return Eventually.FoundAsync(() => Task.FromResult(monitoring.FailedJobs(0, 100).Select(p => p.Value)
                .FirstOrDefault(j => j.ExceptionMessage?.Contains(runId.ToString(), StringComparison.Ordinal) == true)),
            $"a failed Hangfire job mentions run {runId}");
    }
}
