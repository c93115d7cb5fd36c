namespace Scheduler.Benchmarks.Scale;

/// <summary>The configuration the benchmark gives scheduler instances (keys as in the README's configuration reference).</summary>
internal static class Knobs
{
    public const string Region = "us-east-1";
    public const string Workgroup = "benchmark";
    public const string DatabaseName = "dev";

    public static Dictionary<string, object> Common(string database, string emulatorUrl) => new(StringComparer.OrdinalIgnoreCase)
    {
        ["ConnectionStrings:Scheduler"] = database,
        ["Redshift:ServiceUrl"] = emulatorUrl,
        ["Redshift:Region"] = Region,
        ["Redshift:WorkgroupName"] = Workgroup,
        ["Redshift:Database"] = DatabaseName,
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
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

    /// <summary>Baseline (b): no watcher and Hangfire's default 15 s scheduler and queue polling.</summary>
    public static Dictionary<string, object> FixedTenSecondBaseline() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Watching:Enabled"] = false,
    };

    /// <summary>Baseline (b): a poll job every 10 s (the original design's fixed wait).</summary>
    public static Dictionary<string, object> FixedTenSecondPolls() => new(StringComparer.OrdinalIgnoreCase)
    {
        ["Poll:InitialInterval"] = "00:00:10",
        ["Poll:MaxInterval"] = "00:00:10",
    };
}
