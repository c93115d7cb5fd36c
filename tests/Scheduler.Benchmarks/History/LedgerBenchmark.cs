using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Benchmarks.Scale;
using Scheduler.Database;
using Scheduler.Testing.Hosting;
using Scheduler.Testing.Postgres;

namespace Scheduler.Benchmarks.History;

/// <summary>
/// The Marts page and <c>GET /api/marts</c> over a long ledger: 100 marts, 1,000,000 runs (options: --marts N, --runs N).
/// Beside them, the last-run query before (one DISTINCT ON over the whole ledger, every column) and now (one index
/// probe per mart, summaries), timed on the same data in the same run.
/// </summary>
internal static class LedgerBenchmark
{
    private const int Samples = 50;

    public static async Task<int> RunAsync(string[] args)
    {
        var marts = Option(args, "--marts", 100);
        var runs = Option(args, "--runs", 1_000_000);
        var postgres = await PostgresServer.GetAsync();
        var connectionString = await postgres.CreateDatabaseAsync("bench_ledger");
        await using (var database = new SchedulerDatabase(Options.Create(new SchedulerDatabaseOptions { ConnectionString = connectionString })))
        {
            await database.MigrateAsync(CancellationToken.None);
            var fill = Stopwatch.StartNew();
            await FillAsync(database.DataSource, marts, runs);
            Console.WriteLine(FormattableString.Invariant($"ledger filled: {runs:N0} runs over {marts} marts in {fill.Elapsed.TotalSeconds:0.0} s"));
        }

        var sqlRoot = Directory.CreateTempSubdirectory("bench-ledger-").FullName;
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = connectionString,
            ["Redshift:ServiceUrl"] = "http://127.0.0.1:9", // never called: no run is active
            ["Redshift:WorkgroupName"] = "wg",
            ["Redshift:Database"] = "dev",
            ["Sql:Root"] = sqlRoot,
        };
        for (var i = 0; i < marts; i++)
        {
            await File.WriteAllTextAsync(Path.Combine(sqlRoot, $"m{i:000}.sql"), "SELECT 1;");
            settings[$"Marts:m{i:000}:SqlFile"] = $"m{i:000}.sql";
        }

        var app = await SchedulerTestHost.At(sqlRoot)
            .WithSettings(settings)
            .Configure(builder => builder.Logging.ClearProviders())
            .StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            var api = await TimeAsync(() => GetAsync(http, "/api/marts"));
            var page = await TimeAsync(() => GetAsync(http, "/hangfire/marts"));
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            var before = await TimeAsync(() => QueryAsync(dataSource,
                "SELECT DISTINCT ON (mart) * FROM scheduler.runs ORDER BY mart, created_at DESC, run_id DESC"), samples: 10);
            var now = await TimeAsync(() => QueryAsync(dataSource,
                $"""
                SELECT last.* FROM unnest(ARRAY[{string.Join(", ", Enumerable.Range(0, marts).Select(i => $"'m{i:000}'"))}]) AS m(name)
                CROSS JOIN LATERAL (SELECT run_id, mart, status, created_at, completed_at, error FROM scheduler.runs r
                                    WHERE r.mart = m.name ORDER BY r.created_at DESC, r.run_id DESC LIMIT 1) last
                """));

            var table = new StringBuilder();
            table.AppendLine(CultureInfo.InvariantCulture, $"Ledger: {runs:N0} runs, {marts} marts. Times in ms: p50 / p95 / p99 / max ({Samples} requests; baseline 10).");
            table.AppendLine();
            table.AppendLine("| what | ms | target |");
            table.AppendLine("| --- | --- | --- |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| `GET /api/marts` | {api} | p95 < 100 ms |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| `GET /hangfire/marts` (Marts page) | {page} | p95 < 100 ms |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| last run per mart, now (index probe per mart, summary columns) | {now} | |");
            table.AppendLine(CultureInfo.InvariantCulture, $"| last run per mart, before (DISTINCT ON over the ledger, every column) | {before} | baseline |");
            Console.WriteLine(table);
            Directory.CreateDirectory(Path.Combine("artifacts", "benchmarks"));
            await File.WriteAllTextAsync(Path.Combine("artifacts", "benchmarks", "ledger.md"), table.ToString());
            return api.P95 < 100 && page.P95 < 100 ? 0 : 1;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
            Directory.Delete(sqlRoot, recursive: true);
        }
    }

    private static async Task FillAsync(NpgsqlDataSource dataSource, int marts, int runs)
    {
        // Runs spread over a year, oldest first; a tenth failed (with an error and the failing SQL), a few skipped; each
        // with a two-statement batch, as real runs carry, and the run date a daily mart gives it (midnight; the day before
        // as its interval).
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO scheduler.runs (run_id, mart, trigger, status, statement_name, client_token, statement_id, sql_statements,
                sub_statements, created_at, deadline_at, submitted_at, statement_finished_at, completed_at, error, updated_at, poll_count,
                logical_date, interval_start, interval_end)
            SELECT gen_random_uuid(), 'm' || lpad((i % @marts)::text, 3, '0'), 'Cron',
                   CASE WHEN i % 10 = 0 THEN 'Failed' WHEN i % 37 = 0 THEN 'Skipped' ELSE 'Succeeded' END,
                   'scheduler/m/' || i, i::text, 'stmt-' || i,
                   ARRAY['DELETE FROM public.mart_x WHERE day = current_date', 'INSERT INTO public.mart_x SELECT * FROM staging.x'],
                   '[{"index":1,"sql":"DELETE FROM public.mart_x WHERE day = current_date","status":"FINISHED","durationMs":1200,"resultRows":5000,"error":null},{"index":2,"sql":"INSERT INTO public.mart_x SELECT * FROM staging.x","status":"FINISHED","durationMs":52000,"resultRows":5000,"error":null}]'::jsonb,
                   t, t + interval '1 hour', t, t + interval '1 minute', t + interval '61 seconds',
                   CASE WHEN i % 10 = 0 THEN 'Statement 2 of 2 failed: relation "staging.x" does not exist' || chr(10) || 'SQL: INSERT INTO public.mart_x SELECT * FROM staging.x' END,
                   t + interval '61 seconds', 12,
                   date_trunc('day', t), date_trunc('day', t) - interval '1 day', date_trunc('day', t)
              FROM (SELECT i, now() - interval '365 days' + (i * interval '365 days' / @runs) AS t FROM generate_series(1, @runs) AS i) g
            """);
        command.CommandTimeout = 0;
        command.Parameters.AddWithValue("marts", marts);
        command.Parameters.AddWithValue("runs", runs);
        await command.ExecuteNonQueryAsync();
        await using var analyze = dataSource.CreateCommand("VACUUM ANALYZE scheduler.runs");
        analyze.CommandTimeout = 0;
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task<Percentiles> TimeAsync(Func<Task> action, int samples = Samples)
    {
        for (var i = 0; i < 3; i++)
        {
            await action(); // warm-up: connections, JIT, caches
        }

        var times = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var clock = Stopwatch.StartNew();
            await action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        return new Percentiles(times);
    }

    private static async Task GetAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        response.EnsureSuccessStatusCode();
        _ = await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task QueryAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
