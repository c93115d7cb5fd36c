using Amazon.Runtime;
using Hangfire;
using Hangfire.PostgreSql;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;

namespace Scheduler.Benchmarks.Scale;

/// <summary>What the blocking baseline measured.</summary>
internal sealed record BlockingResult(int Runs, int Completed, int Workers, TimeSpan Sleep, TimeSpan Makespan, double WorkerSeconds, int PeakBusy);

/// <summary>
/// Baseline (a), "wait synchronously": a Hangfire server (same worker count, PostgreSQL storage) whose job submits the
/// batch and then holds its worker in a DescribeStatement + sleep loop until the statement ends.
/// </summary>
internal static class BlockingBaseline
{
    public static async Task<BlockingResult> RunAsync(
        string database, string emulatorUrl, MartSet marts, int workers, TimeSpan sleep, CancellationToken cancellationToken)
    {
        ScaleBenchmark.Progress($"blocking: {marts.Names.Count} runs on {workers} workers, {sleep.TotalSeconds:0} s sleep between polls");
        var tracker = new BlockingTracker(sleep, marts.Names.Count);
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redshift:ServiceUrl"] = emulatorUrl,
            ["Redshift:Region"] = Knobs.Region,
            ["Redshift:WorkgroupName"] = Knobs.Workgroup,
            ["Redshift:Database"] = Knobs.DatabaseName,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton<AWSCredentials>(new BasicAWSCredentials("AKIDBENCHMARK", "benchmark-secret"));
        builder.Services.AddRedshiftDataClient(builder.Configuration);
        builder.Services.AddSingleton(tracker);
        builder.Services.AddHangfire(cfg => cfg
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(b => b.UseNpgsqlConnection(database), new PostgreSqlStorageOptions { QueuePollInterval = TimeSpan.FromSeconds(1) }));
        builder.Services.AddHangfireServer(o =>
        {
            o.WorkerCount = workers;
            o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
        });
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            var client = host.Services.GetRequiredService<IBackgroundJobClient>();
            var started = TimeProvider.System.GetUtcNow();
            foreach (var mart in marts.Names)
            {
                var sql = await File.ReadAllTextAsync(Path.Combine(marts.SqlRoot, $"{mart}.sql"), cancellationToken);
                client.Enqueue<BlockingRefreshJob>(job => job.RunAsync(mart, sql.Trim().TrimEnd(';'), CancellationToken.None));
            }

            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromMinutes(10));
            await tracker.AllDone.WaitAsync(deadline.Token);
            var makespan = tracker.LastFinish - started;
            var workerSeconds = await DatabaseProbe.WorkerSecondsAsync(database, cancellationToken);
            ScaleBenchmark.Progress($"blocking: makespan {makespan.TotalSeconds:0.0} s");
            return new BlockingResult(marts.Names.Count, tracker.Completed, workers, sleep, makespan, workerSeconds, tracker.PeakBusy);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}

/// <summary>Counts the blocking jobs: how many hold a worker at once, and when the last one finished.</summary>
public sealed class BlockingTracker(TimeSpan sleep, int expected)
{
    private readonly TaskCompletionSource _allDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _busy;
    private int _peak;
    private int _completed;

    public TimeSpan Sleep { get; } = sleep;

    public Task AllDone => _allDone.Task;

    public int PeakBusy => Volatile.Read(ref _peak);

    public int Completed => Volatile.Read(ref _completed);

    public DateTimeOffset LastFinish { get; private set; }

    public void Started()
    {
        var busy = Interlocked.Increment(ref _busy);
        int peak;
        while (busy > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, busy, peak) != peak)
        {
        }
    }

    public void Finished()
    {
        Interlocked.Decrement(ref _busy);
        LastFinish = TimeProvider.System.GetUtcNow();
        if (Interlocked.Increment(ref _completed) == expected)
        {
            _allDone.TrySetResult();
        }
    }
}

/// <summary>The baseline's job: submit, then DescribeStatement and sleep on the worker until the statement ends.</summary>
internal sealed class BlockingRefreshJob(IRedshiftDataClient client, BlockingTracker tracker)
{
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(string mart, string sql, CancellationToken cancellationToken)
    {
        tracker.Started();
        try
        {
            var submitted = await client.BatchExecuteStatementAsync(
                new BatchExecuteStatementRequest
                {
                    Sqls = [sql],
                    WorkgroupName = Knobs.Workgroup,
                    Database = Knobs.DatabaseName,
                    ClientToken = mart,
                    StatementName = mart,
                },
                cancellationToken);
            while (true)
            {
                var status = await client.DescribeStatementAsync(new DescribeStatementRequest { Id = submitted.Id }, cancellationToken);
                if (StatusString.IsTerminal(status.Status))
                {
                    return;
                }

                // Hangfire blocks the worker thread on this job's task: the worker is held for the whole wait.
                await Task.Delay(tracker.Sleep, cancellationToken);
            }
        }
        finally
        {
            tracker.Finished();
        }
    }
}
