using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Scheduler.Database;
using Scheduler.Marts;

namespace Scheduler.Runs.Store;

/// <summary>
/// The table <c>runs</c> as the run store and its read models see it: its name, its column lists, the one mapping of a
/// row to <see cref="RunSummary"/> and <see cref="RunRecord"/> (by column name, see <see cref="RunColumns"/>), and the
/// SQL form of the status sets. Only <see cref="RunStore"/>, <see cref="RunQueries"/> and <see cref="RunSweepQueries"/>
/// hold one: no other class writes SQL on <c>runs</c>.
/// </summary>
internal sealed class RunRows
{
    /// <summary>What lists read: never the SQL or the sub-statements (a thousand runs' batches would be megabytes).</summary>
    public const string SummaryColumns =
        "run_id, mart, trigger, status, status_reason, statement_id, statement_name, client_token, created_at, submitted_at, " +
        "statement_finished_at, completed_at, deadline_at, error, failed_statement_index, active_run_id, cancel_reason, " +
        "cancel_requested_at, poll_count, unconfirmed_at, logical_date, interval_start, interval_end, parameters, attempt, retry_of, " +
        "backfill_id, upstream_run_ids, downstream, retry_at";

    /// <summary>Every column of a <see cref="RunRecord"/>.</summary>
    public const string Columns = SummaryColumns +
        ", poll_attempt, next_poll_at, sub_statements, sql_statements, submit_attempted_at, submit_attempts, submit_lease_until, " +
        "trigger_key, version, target_workgroup, target_cluster, target_database, target_db_user, target_secret_arn, slot_key";

    /// <summary>Creates the view of <c>runs</c> in the service's database.</summary>
    public RunRows(SchedulerDatabase database)
    {
        DataSource = database.DataSource;
        Table = $"{database.Schema}.runs";
    }

    /// <summary>The active statuses as an SQL list: <c>('Queued', 'Submitting', 'Running', 'Cancelling')</c>.</summary>
    public static string ActiveList { get; } = InList(RunStatusExtensions.Active);

    /// <summary>The active statuses but Queued: runs that hold their slot (when they have one) and have a next step.</summary>
    public static string StartedList { get; } = InList(RunStatusExtensions.Started);

    /// <summary>The service's database.</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The table's schema-qualified name.</summary>
    public string Table { get; }

    /// <summary>The run with this id, read on <paramref name="connection"/> (within its transaction) when given.</summary>
    public async Task<RunRecord?> GetAsync(Guid runId, NpgsqlConnection? connection, CancellationToken cancellationToken)
    {
        var runs = await QueryAsync($"SELECT {Columns} FROM {Table} WHERE run_id = @id", ReadRecord,
            command => command.Parameters.AddWithValue("id", runId), cancellationToken, connection).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <summary>The run a trigger key reserved (e.g. <c>retry:&lt;run id&gt;</c>, the retry of a run), or null.</summary>
    public async Task<RunRecord?> GetByTriggerKeyAsync(string triggerKey, CancellationToken cancellationToken)
    {
        var runs = await QueryAsync($"SELECT {Columns} FROM {Table} WHERE trigger_key = @key", ReadRecord,
            command => command.Parameters.AddWithValue("key", triggerKey), cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <summary>Runs <paramref name="sql"/> (on <paramref name="connection"/> and its transaction when given) and maps each row.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, Func<RunColumns, T> read, Action<NpgsqlCommand> bind, CancellationToken cancellationToken,
        NpgsqlConnection? connection = null, NpgsqlTransaction? transaction = null)
    {
        await using var command = connection is null ? DataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection, transaction);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = new RunColumns(reader);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows.Add(read(columns));
        }

        return rows;
    }

    /// <summary>Binds a nullable text parameter.</summary>
    public static void AddText(NpgsqlCommand command, string name, string? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    /// <summary>Binds a nullable timestamptz parameter (as UTC).</summary>
    public static void AddTime(NpgsqlCommand command, string name, DateTimeOffset? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = (object?)value?.ToUniversalTime() ?? DBNull.Value });

    /// <summary>A row read with <see cref="SummaryColumns"/> (or more).</summary>
    public static RunSummary ReadSummary(RunColumns c) => new()
    {
        RunId = c.Guid("run_id"),
        Mart = c.String("mart"),
        Trigger = Enum.Parse<RunTrigger>(c.String("trigger")),
        Status = Enum.Parse<RunStatus>(c.String("status")),
        StatusReason = c.NullableString("status_reason"),
        StatementId = c.NullableString("statement_id"),
        StatementName = c.String("statement_name"),
        ClientToken = c.String("client_token"),
        CreatedAt = c.Time("created_at"),
        SubmittedAt = c.NullableTime("submitted_at"),
        StatementFinishedAt = c.NullableTime("statement_finished_at"),
        CompletedAt = c.NullableTime("completed_at"),
        DeadlineAt = c.Time("deadline_at"),
        Error = c.NullableString("error"),
        FailedStatementIndex = c.NullableInt("failed_statement_index"),
        ActiveRunId = c.NullableGuid("active_run_id"),
        CancelReason = c.NullableString("cancel_reason"),
        CancelRequestedAt = c.NullableTime("cancel_requested_at"),
        PollCount = c.Int("poll_count"),
        UnconfirmedAt = c.NullableTime("unconfirmed_at"),
        LogicalDate = c.Time("logical_date"),
        IntervalStart = c.NullableTime("interval_start"),
        IntervalEnd = c.NullableTime("interval_end"),
        Parameters = c.NullableString("parameters") is { } parameters
            ? JsonSerializer.Deserialize<Dictionary<string, string>>(parameters, RunJson.Options) ?? []
            : new Dictionary<string, string>(StringComparer.Ordinal),
        Attempt = c.Int("attempt"),
        RetryOf = c.NullableGuid("retry_of"),
        BackfillId = c.NullableGuid("backfill_id"),
        UpstreamRunIds = c.GuidArray("upstream_run_ids"),
        Downstream = c.Bool("downstream"),
        RetryAt = c.NullableTime("retry_at"),
    };

    /// <summary>A row read with <see cref="Columns"/>: its summary (one mapping for both), then the record's own columns.</summary>
    public static RunRecord ReadRecord(RunColumns c)
    {
        var subs = c.NullableString("sub_statements") is { } json ? JsonSerializer.Deserialize<List<RunSubStatement>>(json, RunJson.Options) : null;
        var workgroup = c.NullableString("target_workgroup");
        var cluster = c.NullableString("target_cluster");
        return new RunRecord(ReadSummary(c))
        {
            PollAttempt = c.Int("poll_attempt"),
            NextStepDueAt = c.NullableTime("next_poll_at"),
            SubStatements = subs ?? [],
            SqlStatements = c.NullableTextArray("sql_statements"),
            SubmitAttemptedAt = c.NullableTime("submit_attempted_at"),
            SubmitAttempts = c.Int("submit_attempts"),
            SubmitLeaseUntil = c.NullableTime("submit_lease_until"),
            TriggerKey = c.NullableString("trigger_key"),
            Version = c.Int("version"),
            SlotKey = c.NullableString("slot_key"),
            Target = workgroup is null && cluster is null
                ? null
                : new RedshiftTarget(workgroup, cluster, c.NullableString("target_database"), c.NullableString("target_db_user"),
                    c.NullableString("target_secret_arn")),
        };
    }

    /// <summary>Statuses as an SQL list of their enum names, e.g. <c>('Submitting', 'Running')</c>.</summary>
    private static string InList(IEnumerable<RunStatus> statuses) => "(" + string.Join(", ", statuses.Select(s => $"'{s}'")) + ")";
}
