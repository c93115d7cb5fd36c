using Microsoft.AspNetCore.Mvc;
using Scheduler.Hosting;
using Scheduler.Redshift.Limits;
using Scheduler.Runs.Watching;

namespace Scheduler.Benchmarks.Scale;

/// <summary>
/// "instance" mode: the real scheduler host (<see cref="SchedulerApplication"/>), configured from a JSON file, plus two
/// benchmark endpoints: POST /_bench/trigger (start runs of the given marts, as "Run now" does) and GET /_bench/stats.
/// </summary>
internal static class InstanceMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length != 1 || !File.Exists(args[0]))
        {
            await Console.Error.WriteLineAsync("instance mode takes one argument: the settings JSON file written by the scale benchmark.");
            return 2;
        }

        var app = SchedulerApplication.Build([], builder => builder.Configuration.AddJsonFile(Path.GetFullPath(args[0]), optional: false));
        app.MapPost("/_bench/trigger", async ([FromBody] string[] marts, IServiceProvider services, CancellationToken cancellationToken) =>
        {
            // As many "Run now" presses at once as a busy dashboard or API might see; the runs' own trigger path does the
            // reservation and the enqueue.
            await Parallel.ForEachAsync(
                marts,
                new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (mart, token) => await BenchmarkRuns.TriggerAsync(services, mart, token));

            return Results.Ok(marts.Length);
        });
        app.MapGet("/_bench/stats", (IServiceProvider services) =>
        {
            var watcher = services.GetService<RunWatcher>()?.GetStatistics();
            var budget = services.GetService<Scheduler.Redshift.Limits.PostgresCallBudget>()?.Describe;
            return Results.Ok(new InstanceStatistics(
                watcher?.Watched ?? 0, watcher?.Polling ?? 0, watcher?.AwaitingFirstPoll ?? 0, watcher?.Calls ?? 0,
                watcher?.Recorded ?? 0, watcher?.Errors ?? 0, budget?.Granted ?? 0, budget?.Claims ?? 0));
        }).AllowAnonymous(); // the readiness probe of SchedulerInstance, also when the instance has users (auth-storm)
        await app.RunAsync();
        return 0;
    }
}
