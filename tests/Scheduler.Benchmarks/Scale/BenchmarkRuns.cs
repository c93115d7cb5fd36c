using Scheduler.Runs.Triggers;
using Scheduler.Runs;

namespace Scheduler.Benchmarks.Scale;

/// <summary>The runs' trigger path, as the instance's /_bench/trigger endpoint calls it ("Run now").</summary>
internal static class BenchmarkRuns
{
    public static async Task TriggerAsync(IServiceProvider services, string mart, CancellationToken cancellationToken)
    {
        var result = await services.GetRequiredService<IRunTrigger>().TriggerAsync(mart, RunTrigger.Manual, cancellationToken);
        if (result.Outcome != TriggerOutcome.Started)
        {
            throw new InvalidOperationException($"Triggering mart {mart} did not start a run: {result.Outcome}.");
        }
    }
}
