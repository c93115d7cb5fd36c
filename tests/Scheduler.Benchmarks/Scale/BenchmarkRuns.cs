namespace Scheduler.Benchmarks.Scale;

/// <summary>The runs' trigger path, as the instance's /_bench/trigger endpoint calls it.</summary>
internal static class BenchmarkRuns
{
    public static Task TriggerAsync(IServiceProvider services, string mart, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"Triggering {mart} needs the runs feature (wired when it lands).");
}
