using Npgsql;

namespace Scheduler.Benchmarks.Scale;

/// <summary>Reads the run ledger of a scenario's database.</summary>
internal static class Ledger
{
    private const string Table = "scheduler.runs";
    private const string ActiveStatuses = "('Submitting', 'Running', 'Cancelling')";

    /// <summary>Earlier runs the benchmark writes to give marts a history (<see cref="AddHistoryAsync"/>).</summary>
    private const string NotHistory = "statement_name NOT LIKE 'history/%'";

    public static async Task<IReadOnlyList<RunOutcome>> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT run_id::text, mart, status, statement_id, submitted_at, statement_finished_at, completed_at FROM {Table} WHERE {NotHistory}",
            connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<RunOutcome>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new RunOutcome(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6)));
        }

        return list;
    }

    public static Task<long> CountTerminalAsync(string connectionString, CancellationToken cancellationToken) =>
        ScalarAsync(connectionString, $"SELECT count(*) FROM {Table} WHERE status NOT IN {ActiveStatuses} AND {NotHistory}", cancellationToken);

    public static async Task<bool> TableExistsAsync(string connectionString, CancellationToken cancellationToken) =>
        await ScalarAsync(connectionString, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'scheduler' AND table_name = 'runs'", cancellationToken) > 0;

    public static Task<long> CountRunningAsync(string connectionString, CancellationToken cancellationToken) =>
        ScalarAsync(connectionString, $"SELECT count(*) FROM {Table} WHERE status = 'Running' AND {NotHistory}", cancellationToken);

    public static Task<long> CountWithStatementAsync(string connectionString, CancellationToken cancellationToken) =>
        ScalarAsync(connectionString, $"SELECT count(*) FROM {Table} WHERE statement_id IS NOT NULL", cancellationToken);

    public static async Task<IReadOnlyList<string>> ActiveStatementIdsAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT statement_id FROM {Table} WHERE status IN {ActiveStatuses} AND statement_id IS NOT NULL", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    /// <summary>
    /// Gives each mart one earlier successful run, as a mart on a schedule has: it ran a day ago and took its duration
    /// this time ±20 % (deterministic). The watcher ranks statements by the median of such runs when the budget is short.
    /// </summary>
    public static async Task<int> AddHistoryAsync(string connectionString, MartSet marts, int seed, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var random = new Random(seed);
        var dayAgo = TimeProvider.System.GetUtcNow().AddDays(-1);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var mart in marts.Names)
        {
            var runId = Guid.NewGuid();
            var seconds = marts.DurationSeconds[mart] * (0.8 + (random.NextDouble() * 0.4));
            var command = new NpgsqlBatchCommand(
                $"""
                INSERT INTO {Table} (run_id, mart, trigger, status, statement_name, client_token, created_at, deadline_at,
                                     submitted_at, statement_finished_at, completed_at, updated_at)
                VALUES (@id, @mart, 'Manual', 'Succeeded', @name, @token, @at, @at + interval '1 hour', @at,
                        @at + make_interval(secs => @seconds), @at + make_interval(secs => @seconds + 1), @at)
                """);
            command.Parameters.AddWithValue("id", runId);
            command.Parameters.AddWithValue("mart", mart);
            command.Parameters.AddWithValue("name", $"history/{mart}/{runId:D}");
            command.Parameters.AddWithValue("token", runId.ToString("D"));
            command.Parameters.AddWithValue("at", dayAgo);
            command.Parameters.AddWithValue("seconds", seconds);
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        return marts.Names.Count;
    }

    /// <summary>
    /// Reads the budget's table (one row per second, all instances, kept a minute) every 5 s until cancelled and
    /// returns the most calls it granted in one second.
    /// </summary>
    public static async Task<int> SampleBudgetAsync(string connectionString, CancellationToken cancellationToken)
    {
        var peak = 0;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(cancellationToken);
                await using var command = new NpgsqlCommand("SELECT coalesce(max(granted), 0) FROM scheduler_watch.describe_budget", connection);
                peak = Math.Max(peak, (int)(await command.ExecuteScalarAsync(cancellationToken))!);
                await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return peak;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
            {
                // No DescribeStatement yet.
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return peak;
                }
            }
        }
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            // The instance has not created the ledger yet.
            return 0;
        }
    }
}
