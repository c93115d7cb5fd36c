using Microsoft.Extensions.DependencyInjection;
using Scheduler.Runs;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Telemetry;

[Collection(SchedulerHostGroup.Name)]
public sealed class RunMetricsTests
{
    [Fact]
    public async Task Metrics_ExposesRunInstrumentsInPrometheusFormat_WhenRunsAreRecorded()
    {
        await using var host = await OpsHost.StartAsync(nameof(RunMetricsTests));
        var metrics = host.Services.GetRequiredService<RunMetrics>();
        metrics.RunStarted("sample", "manual");
        metrics.Poll("sample", "running");
        metrics.Poll("sample", "terminal");
        metrics.RunCompleted("sample", "manual", "Succeeded", TimeSpan.FromSeconds(42), TimeSpan.FromMilliseconds(700));
        metrics.RunCompleted("sample", "cron", "Failed", TimeSpan.FromSeconds(3), detectionDelay: null);
        metrics.AlertAttempt("delivered");
        using var client = host.CreateClient();

        var text = await client.GetStringAsync("/metrics");

        Assert.Contains("scheduler_runs_started_total{", text, StringComparison.Ordinal);
        Assert.Matches("""scheduler_runs_completed_total\{[^}]*mart="sample"[^}]*status="Succeeded"[^}]*\} 1""", text);
        Assert.Matches("""scheduler_runs_completed_total\{[^}]*status="Failed"[^}]*trigger="cron"[^}]*\} 1""", text);
        Assert.Matches("""scheduler_run_duration_seconds_bucket\{[^}]*le="60"[^}]*\} 1""", text);
        Assert.Matches("""scheduler_run_detection_delay_seconds_bucket\{[^}]*le="1"[^}]*\} 1""", text);
        Assert.Matches("""scheduler_run_polls_total\{[^}]*result="running"[^}]*\} 1""", text);
        Assert.Matches("""scheduler_alerts_total\{[^}]*outcome="delivered"[^}]*\} 1""", text);
    }

    [Fact]
    public void RunCompleted_RecordsNegativeDelaysAsZero_WhenClocksDisagree()
    {
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        var recorded = new List<double>();
        using var metrics = new RunMetrics(meterFactory: null);
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RunMetrics.MeterName && instrument.Name == "scheduler.run.detection_delay")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => recorded.Add(value));
        listener.Start();

        metrics.RunCompleted("m", "cron", "Succeeded", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(-2));

        Assert.Equal([0d], recorded);
    }
}
