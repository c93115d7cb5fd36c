using System.Diagnostics;
using System.Globalization;
using System.Text;
using Scheduler.Sql;

namespace Scheduler.Benchmarks;

/// <summary>
/// <c>split [MEGABYTES]</c>: times <see cref="SqlStatementSplitter.Split"/> on a generated script (10 MB by default)
/// beside a naive split on ';' in the same run, which is the floor any splitter pays for reading the text once.
/// </summary>
internal static class SplitBenchmark
{
    private const int Iterations = 10;

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] != "split")
        {
            Console.Error.WriteLine("Usage: Scheduler.Benchmarks split [MEGABYTES]");
            return 1;
        }

        var megabytes = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var sql = Generate((int)(megabytes * 1024 * 1024));
        var bytes = Encoding.UTF8.GetByteCount(sql);
        var statements = SqlStatementSplitter.Split(sql).Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Script: {bytes / 1024.0 / 1024.0:F1} MB, {statements} statements (strings, comments, dollar bodies); best and median of {Iterations} runs after warm-up"));

        Measure("SqlStatementSplitter.Split", bytes, () => SqlStatementSplitter.Split(sql).Count);
        Measure("baseline: string.Split(';')", bytes, () => sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length);
        return 0;
    }

    private static void Measure(string name, int bytes, Func<int> split)
    {
        split();
        var times = new List<double>();
        var count = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            count = split();
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        var best = times[0];
        var median = times[times.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-30} best {best,8:F1} ms  median {median,8:F1} ms  {bytes / 1024.0 / 1024.0 / (median / 1000):F0} MB/s  ({count} pieces)"));
    }

    // A mix of what mart files hold: long INSERT ... SELECTs, comments, strings with quotes and semicolons,
    // quoted identifiers and procedure bodies.
    private static string Generate(int size)
    {
        var builder = new StringBuilder(size + 4096);
        var i = 0;
        while (builder.Length < size)
        {
            builder.Append(CultureInfo.InvariantCulture, $"-- step {i}: refresh; keep ' and \" in comments\n");
            builder.Append(CultureInfo.InvariantCulture, $"INSERT INTO public.mart_{i % 50} (id, label, \"note;x\")\n");
            builder.Append(CultureInfo.InvariantCulture, $"SELECT o.id, 'it''s; {i}', E'tab\\t;' /* inline; /* nested */ */\n");
            builder.Append("FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.amount > 100 AND c.region IN ('EU', 'US');\n");
            if (i % 10 == 0)
            {
                builder.Append(CultureInfo.InvariantCulture,
                    $"CREATE OR REPLACE PROCEDURE p_{i}() AS $body$\nBEGIN\n  DELETE FROM t WHERE k = 'x;y';\n  COMMIT;\nEND;\n$body$ LANGUAGE plpgsql;\n");
            }

            i++;
        }

        return builder.ToString();
    }
}
