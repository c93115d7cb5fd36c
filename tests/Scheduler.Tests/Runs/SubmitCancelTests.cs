using Scheduler.Runs.Triggers;
using Scheduler.Runs;

namespace Scheduler.Tests.Runs;

/// <summary>
/// A cancel while the submit is backing off from errors must never send the batch afterwards: the run is settled by
/// looking its statement up by name (after the submit lease), not by sending and then cancelling.
/// </summary>
public sealed class SubmitCancelTests
{
    [Fact]
    public async Task Cancel_DuringSubmitBackoff_LooksTheStatementUpInsteadOfSendingIt()
    {
        await using var harness = await RunHarness.StartAsync("submit_cancel",
            new Dictionary<string, string> { ["m"] = "INSERT INTO run_marks (note) VALUES ('never');" },
            new Dictionary<string, string?>
            {
                ["Runs:SubmitLease"] = "00:00:05",
                ["Runs:MaxRetryDelay"] = "00:00:02",
                ["Redshift:MaxAttempts"] = "1",
            });
        // Every call is refused as throttled: the first submit attempt fails and the run waits to try again.
        await harness.Emulator.SetFaultsAsync(throttleRate: 1, errorRate: 0, latencyMs: 0);
        var started = await harness.StartRunAsync("m");
        await harness.WaitForRunAsync(started.RunId, r => r.StatusReason?.Contains("Throttl", StringComparison.OrdinalIgnoreCase) == true,
            what: "backing off after a throttled submit");

        var cancel = await harness.Trigger.CancelAsync(started.RunId, CancellationToken.None);
        Assert.Equal(CancelOutcome.Requested, cancel.Outcome);
        Assert.Equal(RunStatus.Cancelling, cancel.Run!.Status);
        // No submit call in flight any more (an attempt that began before the cancel has failed and released its
        // lease), and none can start in Cancelling: only now may Redshift answer again.
        await harness.WaitForRunAsync(started.RunId, r => r.Status == RunStatus.Cancelling && r.SubmitLeaseUntil is null, what: "no submit in flight");
        await harness.Emulator.ClearFaultsAsync();
        var ended = await harness.WaitForTerminalAsync(started.RunId);

        Assert.Equal(RunStatus.Cancelled, ended.Status);
        Assert.Contains("has no statement named", ended.Error, StringComparison.Ordinal);
        Assert.Empty(await harness.SubmissionsAsync(started));
        Assert.Equal(0, await harness.ScalarAsync("SELECT count(*) FROM run_marks"));
    }
}
