using System.Globalization;

namespace Scheduler.Benchmarks.Scale;

/// <summary>
/// N marts for one scenario: one SQL file each, a simulated statement (<c>/* emulator: sleep=S */</c>, no database
/// work) whose duration is drawn from a range with a fixed seed, so every run of the benchmark sees the same workload.
/// </summary>
internal sealed class MartSet
{
    private MartSet(string sqlRoot, IReadOnlyList<string> names, IReadOnlyDictionary<string, double> seconds)
    {
        SqlRoot = sqlRoot;
        Names = names;
        DurationSeconds = seconds;
    }

    public string SqlRoot { get; }

    public IReadOnlyList<string> Names { get; }

    public IReadOnlyDictionary<string, double> DurationSeconds { get; }

    public static MartSet Create(string directory, string prefix, int count, double minSeconds, double maxSeconds, int seed)
    {
        var root = Path.Combine(directory, $"{prefix}-sql");
        Directory.CreateDirectory(root);
        var random = new Random(seed);
        var names = new List<string>(count);
        var seconds = new Dictionary<string, double>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = $"{prefix}_{i:D5}";
            var duration = Math.Round(minSeconds + (random.NextDouble() * (maxSeconds - minSeconds)), 2);
            File.WriteAllText(
                Path.Combine(root, $"{name}.sql"),
                string.Create(CultureInfo.InvariantCulture, $"/* emulator: sleep={duration} */ select {i};\n"));
            names.Add(name);
            seconds[name] = duration;
        }

        return new MartSet(root, names, seconds);
    }

    /// <summary>Configuration keys for these marts (manual only: no cron), plus per-mart extra keys.</summary>
    public Dictionary<string, object> Settings(IReadOnlyDictionary<string, object>? perMart = null)
    {
        var settings = new Dictionary<string, object>(StringComparer.OrdinalIgnoreCase) { ["Sql:Root"] = SqlRoot };
        foreach (var name in Names)
        {
            settings[$"Marts:{name}:SqlFile"] = $"{name}.sql";
            foreach (var (key, value) in perMart ?? new Dictionary<string, object>())
            {
                settings[$"Marts:{name}:{key}"] = value;
            }
        }

        return settings;
    }
}
