namespace Scheduler.Benchmarks.Scale;

/// <summary>The configuration the benchmark gives scheduler instances (keys as in docs/configuration.md).</summary>
internal static class Knobs
{
    public const string Region = "us-east-1";
    public const string Workgroup = "benchmark";
    public const string DatabaseName = "dev";

    /// <summary>Hangfire workers per instance, the same in every scenario and baseline (Hangfire's default on 2 cores).</summary>
    public const int WorkerCount = 10;

    public static Dictionary<string, object> Common(string database, string emulatorUrl) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["ConnectionStrings:Scheduler"] = database,
        ["Redshift:ServiceUrl"] = emulatorUrl,
        ["Redshift:Region"] = Region,
        ["Redshift:WorkgroupName"] = Workgroup,
        ["Redshift:Database"] = DatabaseName,
        ["Hangfire:WorkerCount"] = WorkerCount,
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        // The scale scenarios measure detection with thousands of statements in flight on one (simulated) workgroup, as
        // before per-target limits existed: no slot limit, no submit pacing. The burst benchmark measures the limits.
        ["Redshift:MaxActiveStatements"] = 0,
        ["Redshift:Budget:Submit"] = 10_000,
        ["Redshift:Budget:ListStatements"] = 10_000,
        ["Redshift:Budget:CancelStatement"] = 10_000,
    };

    /// <summary>
    /// With the watcher on, the delayed poll jobs are only the durable backstop: they may poll slowly (each poll is a
    /// Hangfire job and a budgeted DescribeStatement).
    /// </summary>
    public static Dictionary<string, object> Backstop() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Poll:InitialInterval"] = "00:02:00",
        ["Poll:MaxInterval"] = "00:05:00",
    };

    /// <summary>
    /// Baseline (b), the original design: no watcher, no long polling in the poll jobs, Hangfire's default 15 s scheduler
    /// and queue polling.
    /// </summary>
    public static Dictionary<string, object> FixedTenSecondBaseline() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Watching:Enabled"] = false,
        ["Hangfire:SchedulePollingInterval"] = "00:00:15",
        ["Hangfire:QueuePollInterval"] = "00:00:15",
    };

    /// <summary>Baseline (b): a poll job every 10 s (the original design's fixed wait).</summary>
    public static Dictionary<string, object> FixedTenSecondPolls() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Poll:InitialInterval"] = "00:00:10",
        ["Poll:MaxInterval"] = "00:00:10",
    };
}
