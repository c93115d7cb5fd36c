using Microsoft.Extensions.DependencyInjection;
using Scheduler.Database;
using Scheduler.Pausing;
using Scheduler.Runs;

namespace Scheduler.Tests.Runs;

/// <summary>A global pause stops new submits from any trigger, also of a run reserved just before it.</summary>
public sealed class GlobalPauseTests
{
    [Fact]
    public async Task GlobalPause_KeepsARunReservedBeforeItFromBeingSent_UntilResumed()
    {
        await using var harness = await RunHarness.StartAsync("pause_reserved",
            new Dictionary<string, string> { ["m"] = "INSERT INTO run_marks (note) VALUES ('p');" }, startScheduler: false);
        await harness.App.Services.GetRequiredService<SchedulerDatabase>().MigrateAsync(CancellationToken.None);
        // Reserved while nothing runs jobs: its submit job waits in Hangfire's queue; then the pause begins.
        var run = await harness.StartRunAsync("m");
        var pauses = harness.App.Services.GetRequiredService<PauseStore>();
        await pauses.PauseAllAsync("test", CancellationToken.None);

        await harness.App.StartAsync();
        var held = await harness.WaitForRunAsync(run.RunId, r => r.StatusReason?.Contains("paused", StringComparison.Ordinal) == true, what: "held by the pause");

        Assert.Equal(RunStatus.Submitting, held.Status);
        Assert.Null(held.SubmittedAt);
        Assert.Empty(await harness.SubmissionsAsync(run));

        await pauses.ResumeAllAsync(CancellationToken.None);
        var done = await harness.WaitForTerminalAsync(run.RunId);

        Assert.Equal(RunStatus.Succeeded, done.Status);
        Assert.Null(done.StatusReason);
        Assert.Equal(1, Assert.Single(await harness.SubmissionsAsync(run)).Executions);
    }
}
