using Npgsql;

namespace Scheduler.Benchmarks.Scale;

/// <summary>Counts read from a scenario's scheduler database (Hangfire's schema and the run ledger).</summary>
internal static class DatabaseProbe
{
    public static async Task<long> HangfireJobsAsync(string connectionString, CancellationToken cancellationToken) =>
        await ScalarAsync(connectionString, "SELECT count(*) FROM hangfire.job", cancellationToken);

    /// <summary>Seconds Hangfire workers spent inside jobs (Processing → next state), summed over all jobs.</summary>
    public static async Task<double> WorkerSecondsAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT COALESCE(SUM(EXTRACT(EPOCH FROM n.createdat - p.createdat)), 0)::float8
              FROM hangfire.state p
              JOIN LATERAL (SELECT s.createdat FROM hangfire.state s WHERE s.jobid = p.jobid AND s.id > p.id ORDER BY s.id LIMIT 1) n ON true
             WHERE p.name = 'Processing'
            """,
            connection);
        return (double)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Rows that stay once Hangfire's expiration manager has run: everything outside Hangfire (the ledger), Hangfire rows
    /// without an expiry that belong to no finished job, and Hangfire's fixed tables. Finished jobs (Succeeded, Deleted)
    /// and jobs still queued or scheduled (they run and expire later) are counted as expiring.
    /// </summary>
    public static async Task<long> RowsAfterExpiryAsync(string connectionString, IDictionary<string, long> breakdown, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var tables = new List<(string Schema, string Table)>();
        await using (var list = new NpgsqlCommand(
            """
            SELECT table_schema, table_name FROM information_schema.tables
             WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
            """,
            connection))
        await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        const string Expiring = "('Succeeded', 'Deleted', 'Scheduled', 'Enqueued', 'Processing', 'Awaiting')";
        long total = 0;
        foreach (var (schema, table) in tables)
        {
            // The budget's rows are deleted after a minute by the budget itself.
            if (schema == "scheduler_watch")
            {
                continue;
            }

            var sql = (schema, table) switch
            {
                ("hangfire", "job") => $"SELECT count(*) FROM hangfire.job WHERE expireat IS NULL AND statename NOT IN {Expiring}",
                ("hangfire", "state" or "jobparameter" or "jobqueue") =>
                    $"SELECT count(*) FROM hangfire.\"{table}\" t JOIN hangfire.job j ON j.id = t.jobid WHERE j.expireat IS NULL AND j.statename NOT IN {Expiring}",
                // Counters are folded into one aggregated row per key every few minutes.
                ("hangfire", "counter") => "SELECT count(DISTINCT key) FROM hangfire.counter WHERE expireat IS NULL",
                // "schedule" holds delayed jobs not yet due (backstop polls); they leave it when they run.
                ("hangfire", "set") => "SELECT count(*) FROM hangfire.set WHERE expireat IS NULL AND key <> 'schedule'",
                ("hangfire", "hash" or "list") => $"SELECT count(*) FROM hangfire.\"{table}\" WHERE expireat IS NULL",
                _ => $"SELECT count(*) FROM \"{schema}\".\"{table}\"",
            };
            await using var count = new NpgsqlCommand(sql, connection);
            var rows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            if (rows > 0)
            {
                breakdown[$"{schema}.{table}"] = rows;
            }

            total += rows;
        }

        return total;
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
