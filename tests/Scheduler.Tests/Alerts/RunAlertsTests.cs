using System.Text.Json;
using Scheduler.Runs;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Alerts;

/// <summary>Failure alerts raised by real runs (emulator, Hangfire server).</summary>
[Collection(SchedulerHostGroup.Name)]
public sealed class RunAlertsTests
{
    private static readonly Dictionary<string, string> s_marts = new()
    {
        ["broken"] = "select 1; select 1/0;",
        ["fine"] = "select 1;",
    };

    [Fact]
    public async Task FailedRun_PostsTheAlertWithRunIdErrorAndLink()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var stack = await ApiStack.StartAsync(nameof(RunAlertsTests), s_marts, new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = listener.Url.ToString(),
            ["Scheduler:PublicUrl"] = "https://scheduler.example.com",
        });

        var run = await stack.Harness.StartRunAsync("broken");
        var ended = await stack.Harness.WaitForTerminalAsync(run.RunId);
        var received = await listener.NextAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(RunStatus.Failed, ended.Status);
        using var body = JsonDocument.Parse(received.Body);
        var root = body.RootElement;
        Assert.Equal("broken", root.GetProperty("mart").GetString());
        Assert.Equal(run.RunId.ToString("D"), root.GetProperty("runId").GetString());
        Assert.Equal("Failed", root.GetProperty("status").GetString());
        Assert.Equal("manual", root.GetProperty("trigger").GetString());
        Assert.Contains("division by zero", root.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal($"https://scheduler.example.com/hangfire/marts/runs/{run.RunId:D}", root.GetProperty("link").GetString());
    }

    [Fact]
    public async Task Runs_EndAsUsual_WhenTheWebhookReceiverFails()
    {
        await using var listener = await WebhookListener.StartAsync(respond: _ => 500);
        await using var stack = await ApiStack.StartAsync(nameof(RunAlertsTests), s_marts, new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = listener.Url.ToString(),
            ["Alerts:RetryDelay"] = "00:00:01",
            ["Alerts:MaxAttempts"] = "3",
        });

        var broken = await stack.Harness.StartRunAsync("broken");
        var brokenEnded = await stack.Harness.WaitForTerminalAsync(broken.RunId);
        await listener.NextAsync(TimeSpan.FromSeconds(60));
        var fine = await stack.Harness.StartRunAsync("fine");
        var fineEnded = await stack.Harness.WaitForTerminalAsync(fine.RunId);

        Assert.Equal(RunStatus.Failed, brokenEnded.Status);
        Assert.NotNull(brokenEnded.CompletedAt);
        Assert.Equal(RunStatus.Succeeded, fineEnded.Status);
        await listener.NextAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(RunStatus.Failed, (await stack.Harness.Ledger.GetAsync(broken.RunId, CancellationToken.None))!.Status);
    }

    [Fact]
    public async Task SucceededRun_PostsNothing()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var stack = await ApiStack.StartAsync(nameof(RunAlertsTests), s_marts, new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = listener.Url.ToString(),
        });

        var fine = await stack.Harness.StartRunAsync("fine");
        await stack.Harness.WaitForTerminalAsync(fine.RunId);
        // A failing run after it: its alert must be the first and only one to arrive.
        var broken = await stack.Harness.StartRunAsync("broken");
        await stack.Harness.WaitForTerminalAsync(broken.RunId);
        var received = await listener.NextAsync(TimeSpan.FromSeconds(60));

        Assert.Contains(broken.RunId.ToString("D"), received.Body, StringComparison.Ordinal);
        Assert.Equal(1, listener.Count);
    }
}
