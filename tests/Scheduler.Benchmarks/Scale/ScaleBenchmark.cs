using System.Diagnostics;
using System.Globalization;
using System.Text;
using Scheduler.Testing.Postgres;

namespace Scheduler.Benchmarks.Scale;

/// <summary>
/// The fast-path benchmark: starts PostgreSQL, an emulator per scenario (simulated statements) and scheduler instances as
/// child processes; runs every scenario; prints one results table with each target and whether it holds.
/// </summary>
internal static class ScaleBenchmark
{
    private static readonly string[] DefaultScenarios =
        ["concurrency-100", "fixed-10s", "blocking", "short", "concurrency-1000", "concurrency-5000", "recovery", "budget"];

    // Not in the default run (it would add 4 minutes): 5,000 runs whose marts have no history.
    private static readonly string[] AllScenarios = [.. DefaultScenarios, "concurrency-5000-cold"];

    public static async Task<int> RunAsync(string[] args)
    {
        var only = new HashSet<string>(DefaultScenarios, StringComparer.Ordinal);
        // `dotnet run --project` starts in the project's folder: keep the outputs at the repository root either way.
        var root = RepositoryRoot();
        var output = Path.Combine(root, "artifacts", "benchmarks", "scale.md");
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--only" when i + 1 < args.Length:
                    only = new HashSet<string>(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);
                    var unknown = only.Except(AllScenarios).ToList();
                    if (unknown.Count > 0)
                    {
                        await Console.Error.WriteLineAsync($"--only: unknown scenario(s) {string.Join(", ", unknown)}; expected some of {string.Join(", ", AllScenarios)}.");
                        return 2;
                    }

                    break;
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                default:
                    await Console.Error.WriteLineAsync($"scale: unknown argument '{args[i]}' (expected --only NAMES or --out FILE).");
                    return 2;
            }
        }

        var clock = Stopwatch.StartNew();
        var loadBefore = LoadAverage();
        var work = Path.GetFullPath(Path.Combine(root, "artifacts", "benchmarks", $"run-{TimeProvider.System.GetUtcNow():yyyyMMdd-HHmmss}"));
        Directory.CreateDirectory(work);
        Progress($"work directory {work}");
        var postgres = await PostgresServer.GetAsync();
        Progress("PostgreSQL ready");

        var book = new ResultBook();
        var scenarios = new Scenarios(postgres, work, book);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        var token = cancel.Token;

        // The scheduler's side of the makespan comparison first, alone; then the light scenarios share a few minutes
        // (the blocking baseline mostly sleeps); the heavy ones run alone.
        ScenarioResult? blockingOurs = null;
        if (only.Contains("blocking"))
        {
            blockingOurs = await scenarios.BlockingOursAsync(token);
        }

        var light = new List<Task>();
        if (only.Contains("concurrency-100"))
        {
            light.Add(scenarios.ConcurrencyAsync("concurrency-100", 100, withHistory: false, token));
        }

        if (only.Contains("fixed-10s"))
        {
            light.Add(scenarios.FixedTenSecondBaselineAsync(token));
        }

        if (blockingOurs is not null)
        {
            light.Add(scenarios.BlockingBaselineAsync(blockingOurs, token));
        }

        await Task.WhenAll(light);
        if (only.Contains("short"))
        {
            await scenarios.ShortBatchesAsync(token);
        }

        if (only.Contains("concurrency-1000"))
        {
            await scenarios.ConcurrencyAsync("concurrency-1000", 1000, withHistory: false, token);
        }

        if (only.Contains("concurrency-5000"))
        {
            await scenarios.ConcurrencyAsync("concurrency-5000", 5000, withHistory: true, token);
        }

        if (only.Contains("concurrency-5000-cold"))
        {
            await scenarios.ConcurrencyAsync("concurrency-5000-cold", 5000, withHistory: false, token);
        }

        var last = new List<Task>();
        if (only.Contains("recovery"))
        {
            last.Add(scenarios.RecoveryAsync(token));
        }

        if (only.Contains("budget"))
        {
            last.Add(scenarios.BudgetAsync(token));
        }

        await Task.WhenAll(last);

        var report = book.Render(clock.Elapsed, $"load average (1/5/15 min) at start {loadBefore}, at end {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine(report);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        await File.WriteAllTextAsync(output, report, Encoding.UTF8);
        Progress($"results written to {output} (logs in {work})");
        return 0;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Scheduler.sln")))
            {
                return directory.FullName;
            }
        }

        return Environment.CurrentDirectory;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    internal static void Progress(string message) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{TimeProvider.System.GetUtcNow():HH:mm:ss}] {message}"));
}
