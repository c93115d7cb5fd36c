using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Pausing;
using Scheduler.Runs;
using Scheduler.Runs.Triggers;
using Scheduler.Testing;
using Scheduler.Tests.Alerts;

namespace Scheduler.Tests.Runs;

/// <summary>Retries end to end: the real scheduler, Hangfire server and emulator, a webhook receiver for the alerts.</summary>
[Collection(SchedulerHostGroup.Name)]
public sealed class RunRetryTests
{
    /// <summary>Fails while the warehouse sequence <c>retry_seq</c> is below 3 (a sequence is not rolled back with the batch).</summary>
    private const string FailsTwice = "SELECT 1 / (CASE WHEN nextval('public.retry_seq') < 3 THEN 0 ELSE 1 END) AS one, :region AS region;";

    private static readonly DateTimeOffset Dec1 = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task AMartFailingTwice_SucceedsOnAttempt3_AsOneChainOfRetries_WithoutAnAlert()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var harness = await RunHarness.StartAsync("retry_chain",
            new Dictionary<string, string> { ["flaky"] = FailsTwice, ["broken"] = "SELECT 1/0;" },
            new Dictionary<string, string?>
            {
                ["Alerts:WebhookUrl"] = listener.Url.ToString(),
                ["Marts:flaky:Retry:Attempts"] = "3",
                ["Marts:flaky:Retry:Delay"] = "00:00:01",
                ["Marts:flaky:Parameters:region"] = "eu",
            });
        await harness.ScalarAsync("CREATE SEQUENCE public.retry_seq");

        var result = await harness.Trigger.TriggerAsync("flaky",
            new RunRequest(RunTrigger.Manual) { LogicalDate = Dec1, Parameters = new Dictionary<string, string> { ["region"] = "us" } },
            CancellationToken.None);
        Assert.True(result.Outcome == TriggerOutcome.Started, $"{result.Outcome}: {result.Reason}");
        var first = await harness.WaitForTerminalAsync(result.Run!.RunId);
        var second = await WaitForRetryAsync(harness, first);
        var third = await WaitForRetryAsync(harness, second);
        third = await harness.WaitForTerminalAsync(third.RunId);

        Assert.Equal((RunStatus.Failed, 1, RunTrigger.Manual), (first.Status, first.Attempt, first.Trigger));
        Assert.NotNull(first.RetryAt);
        Assert.Contains("division by zero", first.Error, StringComparison.Ordinal);
        second = await harness.WaitForTerminalAsync(second.RunId);
        Assert.Equal((RunStatus.Failed, 2, RunTrigger.Retry, first.RunId), (second.Status, second.Attempt, second.Trigger, second.RetryOf));
        Assert.NotNull(second.RetryAt);
        Assert.Equal((RunStatus.Succeeded, 3, RunTrigger.Retry, second.RunId), (third.Status, third.Attempt, third.Trigger, third.RetryOf));
        Assert.Null(third.RetryAt);
        foreach (var retry in new[] { second, third })
        {
            Assert.Equal(Dec1, retry.LogicalDate);
            Assert.Equal(first.Parameters, retry.Parameters);
            Assert.Equal("us", retry.Parameters["region"]);
            Assert.NotEqual(first.ClientToken, retry.ClientToken);
            Assert.Single(await harness.SubmissionsAsync(retry));
        }

        Assert.NotEqual(second.ClientToken, third.ClientToken);
        Assert.Equal(3, (await harness.Ledger.ListAsync("flaky", null, 100, CancellationToken.None)).Count);
        using (var json = JsonDocument.Parse(JsonSerializer.Serialize(third, RunJson.Options)))
        {
            Assert.Equal("retry", json.RootElement.GetProperty("trigger").GetString());
            Assert.Equal(second.RunId.ToString("D"), json.RootElement.GetProperty("retryOf").GetString());
        }

        // No alert for the chain: the first alert to arrive is a later, unrelated failure's.
        var broken = await harness.StartRunAsync("broken");
        var alert = await listener.NextAsync(TimeSpan.FromSeconds(60));
        using var body = JsonDocument.Parse(alert.Body);
        Assert.Equal(broken.RunId.ToString("D"), body.RootElement.GetProperty("runId").GetString());
        Assert.Equal(1, body.RootElement.GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task AMartAlwaysFailing_SendsOneAlert_AfterTheLastAttempt_NamingTheAttempts()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var harness = await RunHarness.StartAsync("retry_alert",
            new Dictionary<string, string> { ["broken"] = "SELECT 1/0;", ["other"] = "SELECT 1/0;" },
            new Dictionary<string, string?>
            {
                ["Alerts:WebhookUrl"] = listener.Url.ToString(),
                ["Marts:broken:Retry:Attempts"] = "2",
                ["Marts:broken:Retry:Delay"] = "00:00:01",
            });

        var first = await harness.StartRunAsync("broken");
        var alert = await listener.NextAsync(TimeSpan.FromSeconds(90));

        var runs = await harness.Ledger.ListAsync("broken", null, 100, CancellationToken.None);
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunStatus.Failed, r.Status));
        var last = Assert.Single(runs, r => r.Attempt == 3);
        Assert.Null(last.RetryAt);
        Assert.Equal(first.LogicalDate, last.LogicalDate);
        using (var body = JsonDocument.Parse(alert.Body))
        {
            var root = body.RootElement;
            Assert.Equal(last.RunId.ToString("D"), root.GetProperty("runId").GetString());
            Assert.Equal(3, root.GetProperty("attempts").GetInt32());
            Assert.Equal("retry", root.GetProperty("trigger").GetString());
            Assert.Contains("ended Failed after 3 attempts", root.GetProperty("text").GetString(), StringComparison.Ordinal);
            Assert.Contains(first.LogicalDate.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture),
                root.GetProperty("text").GetString(), StringComparison.Ordinal);
        }

        // Exactly one: the next alert to arrive is another mart's.
        var other = await harness.StartRunAsync("other");
        using var next = JsonDocument.Parse((await listener.NextAsync(TimeSpan.FromSeconds(60))).Body);
        Assert.Equal(other.RunId.ToString("D"), next.RootElement.GetProperty("runId").GetString());
    }

    [Fact]
    public async Task ARetryOfAPausedMart_IsAbandoned_TheRunSaysWhy_AndTheAlertGoesOut()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var harness = await RunHarness.StartAsync("retry_paused",
            new Dictionary<string, string> { ["broken"] = "SELECT 1/0;" },
            new Dictionary<string, string?>
            {
                ["Alerts:WebhookUrl"] = listener.Url.ToString(),
                ["Marts:broken:Retry:Attempts"] = "2",
                ["Marts:broken:Retry:Delay"] = "00:00:03",
            });
        var pauses = harness.App.Services.GetRequiredService<Scheduler.Pausing.PauseStore>();

        // A paused mart still takes a person's manual run; its scheduled runs, and retries, do not start.
        await pauses.PauseMartAsync("broken", "test", CancellationToken.None);
        var first = await harness.StartRunAsync("broken");
        var alert = await listener.NextAsync(TimeSpan.FromSeconds(60));
        var abandoned = await harness.WaitForRunAsync(first.RunId, r => r.RetryAt is null, what: "without a pending retry");

        Assert.Equal(RunStatus.Failed, abandoned.Status);
        Assert.StartsWith("Not retried (attempt 2 was due", abandoned.StatusReason, StringComparison.Ordinal);
        Assert.Contains("paused", abandoned.StatusReason, StringComparison.Ordinal);
        Assert.Single(await harness.Ledger.ListAsync("broken", null, 100, CancellationToken.None));
        using var body = JsonDocument.Parse(alert.Body);
        Assert.Equal(first.RunId.ToString("D"), body.RootElement.GetProperty("runId").GetString());
        Assert.Equal(1, body.RootElement.GetProperty("attempts").GetInt32());
    }

    /// <summary>Waits for the retry of <paramref name="run"/> (the run keyed <c>retry:&lt;id&gt;</c>) to be reserved.</summary>
    internal static async Task<RunRecord> WaitForRetryAsync(RunHarness harness, RunSummary run, TimeSpan? timeout = null)
    {
        var retry = await Eventually.FoundAsync(
            async () => (await harness.Ledger.ListAsync(run.Mart, null, 100, CancellationToken.None)).FirstOrDefault(r => r.RetryOf == run.RunId),
            $"a retry of run {run.RunId} is reserved", timeout ?? TimeSpan.FromSeconds(90));
        return (await harness.Ledger.GetAsync(retry.RunId, CancellationToken.None))!;
    }
}
