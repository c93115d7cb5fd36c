using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Runs;

namespace Scheduler.Tests.Runs;

/// <summary>
/// Redshift unreachable (every Data API call throttled) from just after the submit until past the deadline and the
/// cancel grace: the run must stay active and keep its mart reserved, and end only on Redshift's word once it answers.
/// </summary>
public sealed class UnreachableRedshiftTests
{
    [Theory]
    // The batch finishes while nobody can ask: Redshift's FINISHED is the outcome, not TimedOut.
    [InlineData("finishes", "SELECT 1 FROM pg_sleep(5);", RunStatus.Succeeded, "FINISHED")]
    // The batch is still running when Redshift answers again: the retried cancel aborts it, then TimedOut.
    [InlineData("outlives", "/* emulator: sleep=600 */ SELECT 1;", RunStatus.TimedOut, "ABORTED")]
    public async Task Run_StaysActiveWhileRedshiftCannotBeAsked_ThenEndsAsRedshiftSays(string name, string sql, RunStatus expected, string redshiftStatus)
    {
        await using var harness = await RunHarness.StartAsync("unreachable_" + name, new Dictionary<string, string> { ["m"] = sql },
            new Dictionary<string, string?>
            {
                // Long enough for the submit to happen first even on a loaded machine; the throttling starts after it.
                ["Marts:m:Timeout"] = "00:00:15",
                ["Runs:CancelGrace"] = "00:00:01",
                // Only the backstop polls ask; the watcher would otherwise race them for the answer.
                ["Watching:Enabled"] = "false",
            });
        var started = await harness.StartRunAsync("m");
        await harness.WaitForRunAsync(started.RunId, r => r.StatementId is not null, what: "submitted");
        await harness.Emulator.SetFaultsAsync(throttleRate: 1, errorRate: 0, latencyMs: 0);

        // Past the deadline and the grace, nothing answered: still active, and the outcome is said to be unconfirmed.
        var unconfirmed = await harness.WaitForRunAsync(started.RunId, r => r.UnconfirmedAt is not null, TimeSpan.FromSeconds(60), "unconfirmed");
        Assert.Equal(RunStatus.Cancelling, unconfirmed.Status);
        Assert.Contains("not yet confirmed", unconfirmed.StatusReason, StringComparison.Ordinal);
        Assert.Null(unconfirmed.CompletedAt);

        // The mart stays reserved: another trigger is refused (409 over HTTP) and recorded Skipped.
        using var http = new HttpClient { BaseAddress = new Uri(harness.App.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        using var refused = await http.PostAsync(new Uri("/api/marts/m/runs", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var skipped = await harness.Ledger.ListAsync("m", RunStatus.Skipped, 10, CancellationToken.None);
        Assert.Equal(started.RunId, Assert.Single(skipped).ActiveRunId);
        Assert.Single(await harness.SubmissionsAsync(started));

        await harness.Emulator.ClearFaultsAsync();
        var ended = await harness.WaitForTerminalAsync(started.RunId, TimeSpan.FromSeconds(60));

        var submission = Assert.Single(await harness.SubmissionsAsync(started));
        Assert.Equal(expected, ended.Status);
        Assert.Equal(redshiftStatus, submission.Status);
        Assert.Equal(1, submission.Executions);
        Assert.Equal(submission.Id, ended.StatementId);
    }
}
