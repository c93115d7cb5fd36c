using Npgsql;

namespace Scheduler.Benchmarks.Scale;

/// <summary>Reads the run ledger of a scenario's database.</summary>
internal static class Ledger
{
    private const string Table = "scheduler.runs";
    private const string ActiveStatuses = "('Submitting', 'Running', 'Cancelling')";

    public static async Task<IReadOnlyList<RunOutcome>> ReadAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT run_id::text, mart, status, statement_id, submitted_at, statement_finished_at, completed_at FROM {Table}",
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
        ScalarAsync(connectionString, $"SELECT count(*) FROM {Table} WHERE status NOT IN {ActiveStatuses}", cancellationToken);

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
