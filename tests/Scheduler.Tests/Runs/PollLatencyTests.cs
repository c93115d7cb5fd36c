using System.Globalization;
using Hangfire.Common;
using Scheduler.Runs;
using Xunit.Abstractions;

namespace Scheduler.Tests.Runs;

/// <summary>How close to its due time a delayed poll job starts, with the Hangfire settings the service uses.</summary>
[Collection(SchedulerHostGroup.Name)]
public sealed class PollLatencyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PollJobs_StartWithinAboutASecondOfTheirDueTime()
    {
        await using var harness = await RunHarness.StartAsync("runs_latency",
            new Dictionary<string, string> { ["slow"] = "/* emulator: sleep=12 */ SELECT 1;" },
            new Dictionary<string, string?> { ["Runs:LongPollWaitTime"] = "00:00:00" });

        var started = await harness.StartRunAsync("slow");
        var run = await harness.WaitForTerminalAsync(started.RunId, TimeSpan.FromSeconds(40));
        Assert.Equal(RunStatus.Succeeded, run.Status);

        // Every poll job of the run: when it was due (Scheduled state's EnqueueAt) and when a worker started it.
        var monitoring = harness.Storage.GetMonitoringApi();
        var lateness = new List<double>();
        foreach (var (id, _) in monitoring.SucceededJobs(0, 500).Where(j => j.Value.Job?.Type == typeof(PollRunJob) && Equals(j.Value.Job.Args[0], run.RunId)))
        {
            var history = monitoring.JobDetails(id).History;
            var scheduled = history.FirstOrDefault(h => h.StateName == "Scheduled");
            var processing = history.LastOrDefault(h => h.StateName == "Processing");
            if (scheduled is null || processing is null)
            {
                continue;
            }

            var due = JobHelper.DeserializeDateTime(scheduled.Data["EnqueueAt"]);
            var start = JobHelper.DeserializeDateTime(processing.Data["StartedAt"]);
            lateness.Add((start - due).TotalMilliseconds);
        }

        lateness.Sort();
        var median = lateness[lateness.Count / 2];
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{lateness.Count} poll jobs of a 12 s batch; start minus due time in ms: min {lateness[0]:F0}, median {median:F0}, max {lateness[^1]:F0}; all: {string.Join(", ", lateness.Select(l => l.ToString("F0", CultureInfo.InvariantCulture)))}"));
        Assert.True(lateness.Count >= 5, $"only {lateness.Count} poll jobs");
        Assert.True(lateness[^1] < 2500, $"a poll started {lateness[^1]:F0} ms after it was due");
        Assert.True(median < 1500, $"median lateness {median:F0} ms");
    }
}
