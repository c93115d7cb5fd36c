using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Runs;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;
using Scheduler.Runs.Watching;
using Scheduler.Testing;
using Scheduler.Testing.Hosting;
using Scheduler.Testing.Postgres;
using Scheduler.Tests.Emulator;

namespace Scheduler.Tests.Runs.Watching;

/// <summary>The fast path inside the real service: ledger, submit job, watcher, lifecycle, emulator over HTTP.</summary>
public sealed class RunWatcherIntegrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scheduler-watch-").FullName;

    public RunWatcherIntegrationTests()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "sql", "marts"));
        File.WriteAllText(Path.Combine(_directory, "sql", "marts", "quick.sql"), "/* emulator: sleep=3 */ select 1;\n");
        File.WriteAllText(Path.Combine(_directory, "sql", "marts", "broken.sql"), "/* emulator: sleep=2 fail=\"relation no_such_table does not exist\" */ select 1;\n");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<WebApplication> StartServiceAsync(RunningEmulator emulator, string database) =>
        SchedulerTestHost.At(_directory)
            .WithDatabase(database)
            .WithRedshift(emulator.BaseAddress.ToString(), "wg")
            .WithAwsCredentials(RunningEmulator.AccessKeyId, RunningEmulator.SecretAccessKey)
            .WithSettings(new Dictionary<string, string?>
            {
                ["Redshift:Region"] = "us-east-1",
                ["Marts:quick:SqlFile"] = "quick.sql",
                ["Marts:broken:SqlFile"] = "broken.sql",
                // The backstop would poll only after 5 minutes and without long polling: any faster finish is the watcher's.
                ["Marts:quick:Poll:InitialInterval"] = "00:05:00",
                ["Marts:quick:Poll:MaxInterval"] = "00:05:00",
                ["Marts:broken:Poll:InitialInterval"] = "00:05:00",
                ["Marts:broken:Poll:MaxInterval"] = "00:05:00",
            })
            .StartAsync();

    private static async Task<RunRecord> WaitForAsync(IRunQueries ledger, Guid runId, RunStatus status) =>
        (await Eventually.ValueAsync(() => ledger.GetAsync(runId, CancellationToken.None), run => run?.Status == status,
            $"the run is {status}", describe: run => run?.Status.ToString()))!;

    [Fact]
    public async Task Watcher_HandsAFailedRunToAPollJobAtOnce_SoItAlsoShowsInHangfiresFailedList()
    {
        var server = await PostgresServer.GetAsync();
        await using var emulator = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync("watch_fail_wh"));
        var database = await server.CreateDatabaseAsync("watch_fail");
        await using var app = await StartServiceAsync(emulator, database);
        try
        {
            var started = await app.Services.GetRequiredService<IRunTrigger>().TriggerAsync("broken", RunTrigger.Manual, CancellationToken.None);
            var run = await WaitForAsync(app.Services.GetRequiredService<IRunQueries>(), started.Run!.RunId, RunStatus.Failed);

            Assert.Contains("no_such_table", run.Error, StringComparison.Ordinal);
            // Before the backstop's first poll was even due: the watcher saw FAILED and handed the run to a poll job at once.
            Assert.True(run.CompletedAt < run.SubmittedAt + TimeSpan.FromMinutes(5), $"completed {run.CompletedAt:O}, submitted {run.SubmittedAt:O}");
            var monitor = app.Services.GetRequiredService<Hangfire.JobStorage>().GetMonitoringApi();
            await Eventually.HoldsAsync(() => monitor.FailedCount() > 0, "a job is in Hangfire's Failed list");

            var failed = Assert.Single(monitor.FailedJobs(0, 10)).Value;
            Assert.Contains("no_such_table", failed.ExceptionMessage, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Watcher_RecordsTheRunBeforeAnyBackstopPoll_WhenTheBackstopPollIsMinutesAway()
    {
        var server = await PostgresServer.GetAsync();
        await using var emulator = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync("watch_e2e_wh"));
        var database = await server.CreateDatabaseAsync("watch_e2e");
        await using var app = await StartServiceAsync(emulator, database);
        try
        {
            var started = await app.Services.GetRequiredService<IRunTrigger>().TriggerAsync("quick", RunTrigger.Manual, CancellationToken.None);
            Assert.Equal(TriggerOutcome.Started, started.Outcome);
            var run = await WaitForAsync(app.Services.GetRequiredService<IRunQueries>(), started.Run!.RunId, RunStatus.Succeeded);

            Assert.NotNull(run.StatementFinishedAt);
            Assert.True(run.CompletedAt < run.SubmittedAt + TimeSpan.FromMinutes(5), $"completed {run.CompletedAt:O}, submitted {run.SubmittedAt:O}");
            Assert.Equal(1, run.PollCount); // the watcher's long poll that saw the end; no poll job took part
            Assert.True(app.Services.GetRequiredService<RunWatcher>().GetStatistics().Recorded >= 1);
            var statements = await emulator.GetStatementsAsync();
            Assert.Single(statements);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
