using Scheduler.Testing;
using Scheduler.Tests.Api;
using Scheduler.Runs;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Telemetry;

/// <summary>The run and Data API instruments as a real run moves them, read from /metrics.</summary>
[Collection(SchedulerHostGroup.Name)]
public sealed class RunTelemetryTests
{
    [Fact]
    public async Task Metrics_CountTheRunItsPollsAndDataApiCalls_WhenARunSucceeds()
    {
        await using var stack = await ApiStack.StartAsync(nameof(RunTelemetryTests));
        using var client = stack.Client();
        var run = await stack.Harness.StartRunAsync("sample");
        await stack.Harness.WaitForTerminalAsync(run.RunId);
        var skipped = await stack.Harness.StartRunAsync("slow");
        await stack.Harness.Trigger.TriggerAsync("slow", Scheduler.Runs.RunTrigger.Manual, CancellationToken.None);

        var text = await WaitForMetricsAsync(client, """scheduler_runs_completed_total{[^}]*status="Skipped""");

        Assert.Matches("""scheduler_runs_started_total\{[^}]*mart="sample"[^}]*\} 1""", text);
        Assert.Matches("""scheduler_runs_completed_total\{[^}]*mart="sample"[^}]*status="Succeeded"[^}]*trigger="manual"[^}]*\} 1""", text);
        Assert.Matches("""scheduler_runs_completed_total\{[^}]*mart="slow"[^}]*status="Skipped"[^}]*\} 1""", text);
        Assert.Matches("""scheduler_run_duration_seconds_count\{[^}]*mart="sample"[^}]*\} 1""", text);
        Assert.Matches("""scheduler_run_detection_delay_seconds_count\{[^}]*mart="sample"[^}]*\} 1""", text);
        Assert.Matches("""scheduler_run_polls_total\{[^}]*mart="sample"[^}]*result="terminal"[^}]*\} 1""", text);
        Assert.Contains("scheduler_redshift_calls_total{", text, StringComparison.Ordinal);
        Assert.NotEqual(Guid.Empty, skipped.RunId);
    }

    private static Task<string> WaitForMetricsAsync(HttpClient client, string pattern) =>
        Eventually.ValueAsync(() => client.GetStringAsync("metrics"), text => System.Text.RegularExpressions.Regex.IsMatch(text, pattern),
            $"/metrics matches {pattern}", interval: TimeSpan.FromMilliseconds(300));
}
