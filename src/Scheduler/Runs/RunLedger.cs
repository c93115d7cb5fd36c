using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Scheduler.Database;
using Scheduler.Marts;

namespace Scheduler.Runs;

/// <summary>
/// The run ledger on PostgreSQL (table <c>runs</c> in the service's schema, migrated at start-up by
/// <see cref="SchedulerDatabase"/>). Reads are public (<see cref="IRunLedger"/>); writes are internal and only
/// <see cref="RunLifecycle"/> makes them: an insert at reservation, then compare-and-swap updates on the row's version.
/// </summary>
public sealed class RunLedger : IRunLedger
{
    /// <summary>The DI key of the service's <see cref="NpgsqlDataSource"/> (kept for callers that asked for the ledger's).</summary>
    public const string DataSourceKey = DatabaseServiceCollectionExtensions.DataSourceKey;

    // Lists never read the SQL or the sub-statements: a thousand runs' batches would be megabytes.
    private const string SummaryColumns =
        "run_id, mart, trigger, status, status_reason, statement_id, statement_name, client_token, created_at, submitted_at, " +
        "statement_finished_at, completed_at, deadline_at, error, failed_statement_index, active_run_id, cancel_reason, " +
        "cancel_requested_at, poll_count, unconfirmed_at, logical_date, interval_start, interval_end, parameters, attempt, retry_of, " +
        "backfill_id, upstream_run_ids, downstream, retry_at";

    private const string Columns = SummaryColumns +
        ", poll_attempt, next_poll_at, sub_statements, sql_statements, submit_attempted_at, submit_attempts, submit_lease_until, " +
        "trigger_key, version, target_workgroup, target_cluster, target_database, target_db_user, target_secret_arn, slot_key";

    private static readonly string ActiveList = "(" + string.Join(", ", RunStatusExtensions.Active.Select(s => $"'{s}'")) + ")";

    // The active statuses but Queued: runs that hold their slot (when they have one) and have a next step to recover.
    private static readonly string StartedList = "(" + string.Join(", ", RunStatusExtensions.Started.Select(s => $"'{s}'")) + ")";

    // The advisory lock class of the slot counts (the second key is the hash of the slot key).
    private const int SlotLockClass = 15015;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _table;

    /// <summary>Creates the ledger on the service's database.</summary>
    public RunLedger(SchedulerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _dataSource = database.DataSource;
        _table = $"{database.Schema}.runs";
    }

    /// <inheritdoc />
    public Task<RunRecord?> GetAsync(Guid runId, CancellationToken cancellationToken) => GetAsync(runId, null, cancellationToken);

    /// <summary>The run, read on <paramref name="connection"/> (within its transaction) when given.</summary>
    internal async Task<RunRecord?> GetAsync(Guid runId, NpgsqlConnection? connection, CancellationToken cancellationToken)
    {
        var runs = await QueryAsync($"SELECT {Columns} FROM {_table} WHERE run_id = @id", ReadRecord,
            command => command.Parameters.AddWithValue("id", runId), cancellationToken, connection).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <summary>A connection for a transaction that counts and moves slots (see <see cref="LockSlotAsync"/>).</summary>
    internal ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) => _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Serializes every change of who holds or waits for <paramref name="slotKey"/>, all instances together, until the
    /// transaction on <paramref name="connection"/> ends: counting the holders and taking a slot is one step.
    /// </summary>
    internal static async Task LockSlotAsync(NpgsqlConnection connection, string slotKey, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@class, hashtext(@key))", connection);
        command.Parameters.AddWithValue("class", SlotLockClass);
        command.Parameters.AddWithValue("key", slotKey);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs holding a slot of <paramref name="slotKey"/> (active, not Queued), and Queued runs of it that may be given one
    /// at <paramref name="now"/> (their backoff is over).
    /// </summary>
    internal async Task<(int Holders, int Waiting)> CountSlotAsync(NpgsqlConnection connection, string slotKey, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            SELECT count(*) FILTER (WHERE status IN {StartedList})::int,
                   count(*) FILTER (WHERE status = '{RunStatus.Queued}' AND coalesce(next_poll_at, created_at) <= @now)::int
              FROM {_table}
             WHERE slot_key = @key AND status IN {ActiveList}
            """,
            connection);
        command.Parameters.AddWithValue("key", slotKey);
        command.Parameters.AddWithValue("now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    /// <summary>
    /// The Queued runs of <paramref name="slotKey"/> next in line for a slot at <paramref name="now"/>: manual runs
    /// first, then by trigger time (creation), oldest first.
    /// </summary>
    internal Task<List<RunRecord>> ListNextQueuedAsync(NpgsqlConnection connection, string slotKey, DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"""
            SELECT {Columns} FROM {_table}
             WHERE slot_key = @key AND status = '{RunStatus.Queued}' AND coalesce(next_poll_at, created_at) <= @now
             ORDER BY (trigger = '{RunTrigger.Manual}') DESC, created_at, run_id
             LIMIT @limit
            """,
            ReadRecord,
            command =>
            {
                command.Parameters.AddWithValue("key", slotKey);
                command.Parameters.AddWithValue("now", now);
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken,
            connection);

    /// <summary>The slot keys that have Queued runs which may be given a slot at <paramref name="now"/>.</summary>
    internal async Task<List<string>> ListQueuedSlotKeysAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT DISTINCT slot_key FROM {_table} WHERE status = '{RunStatus.Queued}' AND slot_key IS NOT NULL AND coalesce(next_poll_at, created_at) <= @now");
        command.Parameters.AddWithValue("now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var keys = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    /// <summary>Queued runs whose deadline has passed at <paramref name="now"/>.</summary>
    internal async Task<List<Guid>> ListQueuedPastDeadlineAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT run_id FROM {_table} WHERE status = '{RunStatus.Queued}' AND deadline_at <= @now ORDER BY deadline_at LIMIT @limit");
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunSummary>> ListAsync(string? mart, RunStatus? status, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        return await QueryAsync(
            $"""
            SELECT {SummaryColumns} FROM {_table}
            WHERE (@mart::text IS NULL OR mart = @mart) AND (@status::text IS NULL OR status = @status)
            ORDER BY created_at DESC, run_id DESC
            LIMIT @limit
            """,
            ReadSummary,
            command =>
            {
                command.Parameters.Add(new NpgsqlParameter("mart", NpgsqlDbType.Text) { Value = (object?)mart ?? DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = (object?)status?.ToString() ?? DBNull.Value });
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, RunSummary>> GetLastRunsAsync(IEnumerable<string> marts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marts);
        // One index probe per mart (runs_mart_created), however long the ledger: not a scan of every run.
        var runs = await QueryAsync(
            $"""
            SELECT last.* FROM unnest(@marts::text[]) AS m(name)
            CROSS JOIN LATERAL (
                SELECT {SummaryColumns} FROM {_table} r WHERE r.mart = m.name ORDER BY r.created_at DESC, r.run_id DESC LIMIT 1) last
            """,
            ReadSummary,
            command => command.Parameters.AddWithValue("marts", marts.Distinct(StringComparer.Ordinal).ToArray()),
            cancellationToken).ConfigureAwait(false);
        return runs.ToDictionary(run => run.Mart, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public async Task<RunRecord?> GetActiveAsync(string mart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mart);
        var runs = await QueryAsync($"SELECT {Columns} FROM {_table} WHERE mart = @mart AND status IN {ActiveList}", ReadRecord,
            command => command.Parameters.AddWithValue("mart", mart), cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <summary>
    /// Reserves a run: under the mart's advisory lock, inserts it Submitting if the mart has a free run slot
    /// (<see cref="NewRun.MaxActiveRuns"/>) and no active run for the same logical date; otherwise returns the run in the
    /// way (<c>Blocking</c>) and, unless the request waits, records a Skipped run naming it. A request with a skip
    /// reason is recorded Skipped at once. A trigger key used before returns its run and inserts nothing.
    /// </summary>
    internal async Task<(RunRecord? Run, bool IsNew, RunRecord? Blocking)> TryInsertAsync(NewRun run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var request = run.Request;
        if (request.TriggerKey is { } key && await GetByTriggerKeyAsync(key, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return (existing, false, null);
        }

        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@resource))", connection, transaction))
            {
                // Every reservation of the mart takes this lock, so counting its active runs and inserting one is atomic.
                lockCommand.Parameters.AddWithValue("resource", $"{_table}:{run.Mart}");
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            RunRecord? blocking = null;
            string? skipReason = request.SkipReason;
            if (skipReason is null)
            {
                var active = await QueryAsync(connection, transaction,
                    $"SELECT {Columns} FROM {_table} WHERE mart = @mart AND status IN {ActiveList} ORDER BY created_at, run_id",
                    ReadRecord, command => command.Parameters.AddWithValue("mart", run.Mart), cancellationToken).ConfigureAwait(false);
                blocking = active.FirstOrDefault(a => a.LogicalDate == run.LogicalDate) ?? (active.Count >= run.MaxActiveRuns ? active[0] : null);
                if (blocking is not null)
                {
                    if (request.WaitWhenBusy)
                    {
                        return (null, false, blocking);
                    }

                    skipReason = blocking.LogicalDate == run.LogicalDate
                        ? $"Skipped: run {blocking.RunId} of mart '{run.Mart}' for the same logical date ({blocking.LogicalDate:O}) was still active " +
                          $"({blocking.Status}, created {blocking.CreatedAt:O})."
                        : $"Skipped: run {blocking.RunId} of mart '{run.Mart}' was still active ({blocking.Status}, created {blocking.CreatedAt:O}); " +
                          $"at most {run.MaxActiveRuns} run(s) of the mart are active at a time (MaxActiveRuns).";
                }
            }

            var runId = Guid.NewGuid();
            var status = skipReason is null ? RunStatus.Submitting : RunStatus.Skipped;
            var inserted = await QueryAsync(connection, transaction,
                $"""
                INSERT INTO {_table} (run_id, mart, trigger, trigger_key, status, statement_name, client_token, created_at, deadline_at,
                                      completed_at, error, active_run_id, updated_at, target_workgroup, target_cluster, target_database,
                                      target_db_user, target_secret_arn, logical_date, interval_start, interval_end, parameters, attempt,
                                      retry_of, backfill_id, upstream_run_ids, downstream)
                VALUES (@id, @mart, @trigger, @key, @status, @name, @token, @now, @deadline, @completed, @error, @active, @now, @workgroup,
                        @cluster, @database, @dbuser, @secret, @logical, @interval_start, @interval_end, @parameters, @attempt, @retry_of,
                        @backfill, @upstream, @downstream)
                RETURNING {Columns}
                """,
                ReadRecord,
                command =>
                {
                    var p = command.Parameters;
                    p.AddWithValue("id", runId);
                    p.AddWithValue("mart", run.Mart);
                    p.AddWithValue("trigger", request.Trigger.ToString());
                    AddText(command, "key", request.TriggerKey);
                    p.AddWithValue("status", status.ToString());
                    p.AddWithValue("name", StatementNameFor(run.Mart, runId));
                    p.AddWithValue("token", ClientTokenFor(runId));
                    p.AddWithValue("now", now);
                    p.AddWithValue("deadline", status == RunStatus.Skipped ? now : now + run.Timeout);
                    AddTime(command, "completed", status == RunStatus.Skipped ? now : null);
                    AddText(command, "error", skipReason);
                    p.Add(new NpgsqlParameter("active", NpgsqlDbType.Uuid) { Value = (object?)blocking?.RunId ?? DBNull.Value });
                    var target = status == RunStatus.Skipped ? null : run.Target;
                    AddText(command, "workgroup", target?.WorkgroupName);
                    AddText(command, "cluster", target?.ClusterIdentifier);
                    AddText(command, "database", target?.Database);
                    AddText(command, "dbuser", target?.DbUser);
                    AddText(command, "secret", target?.SecretArn);
                    p.AddWithValue("logical", run.LogicalDate.ToUniversalTime());
                    AddTime(command, "interval_start", run.Interval.Start);
                    AddTime(command, "interval_end", run.Interval.End);
                    p.Add(new NpgsqlParameter("parameters", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(run.Parameters, RunJson.Options) });
                    p.AddWithValue("attempt", request.Attempt);
                    p.Add(new NpgsqlParameter("retry_of", NpgsqlDbType.Uuid) { Value = (object?)request.RetryOf ?? DBNull.Value });
                    p.Add(new NpgsqlParameter("backfill", NpgsqlDbType.Uuid) { Value = (object?)request.BackfillId ?? DBNull.Value });
                    p.Add(new NpgsqlParameter("upstream", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = request.UpstreamRunIds.ToArray() });
                    p.AddWithValue("downstream", request.Downstream);
                },
                cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (inserted[0], true, blocking);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "runs_trigger_key")
        {
            // The same trigger raced us: its run is the answer.
            return (await GetByTriggerKeyAsync(request.TriggerKey!, cancellationToken).ConfigureAwait(false), false, null);
        }
    }

    /// <summary>
    /// Stores <paramref name="next"/> if the row is still at <paramref name="current"/>'s version (and bumps it); false when
    /// another writer came first: the caller reads again and decides again.
    /// </summary>
    internal async Task<bool> TryUpdateAsync(RunRecord current, RunRecord next, DateTimeOffset now, CancellationToken cancellationToken,
        NpgsqlConnection? connection = null)
    {
        await using var command = new NpgsqlCommand(
            $"""
            UPDATE {_table}
               SET status = @status, status_reason = @reason, statement_id = @statement, submitted_at = @submitted,
                   statement_finished_at = @finished, completed_at = @completed, error = @error, failed_statement_index = @failed,
                   cancel_reason = @cancel_reason, cancel_requested_at = @cancel_at, poll_count = @polls, poll_attempt = @attempt,
                   next_poll_at = @next, submit_attempted_at = @attempted, submit_attempts = @attempts,
                   submit_lease_until = @lease, unconfirmed_at = @unconfirmed, retry_at = @retry_at, slot_key = @slot,
                   sql_statements = CASE WHEN @sqls_changed THEN @sqls ELSE sql_statements END,
                   sub_statements = CASE WHEN @subs_changed THEN @subs ELSE sub_statements END,
                   version = version + 1, updated_at = @now
             WHERE run_id = @id AND version = @version
            """)
        {
            Connection = connection,
        };
        await using var own = connection is null ? await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false) : null;
        command.Connection ??= own;
        var p = command.Parameters;
        p.AddWithValue("id", current.RunId);
        p.AddWithValue("version", current.Version);
        p.AddWithValue("status", next.Status.ToString());
        AddText(command, "reason", next.StatusReason);
        AddText(command, "statement", next.StatementId);
        AddTime(command, "submitted", next.SubmittedAt);
        AddTime(command, "finished", next.StatementFinishedAt);
        AddTime(command, "completed", next.CompletedAt);
        AddText(command, "error", next.Error);
        p.Add(new NpgsqlParameter("failed", NpgsqlDbType.Integer) { Value = (object?)next.FailedStatementIndex ?? DBNull.Value });
        AddText(command, "cancel_reason", next.CancelReason);
        AddTime(command, "cancel_at", next.CancelRequestedAt);
        p.AddWithValue("polls", next.PollCount);
        p.AddWithValue("attempt", next.PollAttempt);
        AddTime(command, "next", next.NextStepDueAt);
        AddTime(command, "attempted", next.SubmitAttemptedAt);
        p.AddWithValue("attempts", next.SubmitAttempts);
        AddTime(command, "lease", next.SubmitLeaseUntil);
        AddTime(command, "unconfirmed", next.UnconfirmedAt);
        AddTime(command, "retry_at", next.RetryAt);
        AddText(command, "slot", next.SlotKey);
        p.AddWithValue("sqls_changed", !ReferenceEquals(current.SqlStatements, next.SqlStatements));
        p.Add(new NpgsqlParameter("sqls", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)next.SqlStatements?.ToArray() ?? DBNull.Value });
        p.AddWithValue("subs_changed", !ReferenceEquals(current.SubStatements, next.SubStatements));
        p.Add(new NpgsqlParameter("subs", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(next.SubStatements, RunJson.Options) });
        p.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>Active runs whose next step was due before <paramref name="dueBefore"/>: their job was probably lost.</summary>
    internal Task<List<RunRecord>> ListOverdueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"""
            SELECT {Columns} FROM {_table}
            WHERE status IN {StartedList} AND coalesce(next_poll_at, updated_at) < @due
            ORDER BY coalesce(next_poll_at, updated_at)
            LIMIT @limit
            """,
            ReadRecord,
            command =>
            {
                command.Parameters.AddWithValue("due", dueBefore);
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken);

    /// <summary>
    /// Ended runs that start dependants (<c>downstream</c>) and whose dependants were not handled yet, ended between
    /// <paramref name="endedAfter"/> and <paramref name="endedBefore"/>, oldest first: what the dependency sweep re-drives.
    /// </summary>
    internal Task<List<RunRecord>> ListUnpropagatedAsync(DateTimeOffset endedAfter, DateTimeOffset endedBefore, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"""
            SELECT {Columns} FROM {_table}
            WHERE downstream AND propagated_at IS NULL AND status NOT IN {ActiveList}
              AND completed_at >= @after AND completed_at < @before
            ORDER BY completed_at
            LIMIT @limit
            """,
            ReadRecord,
            command =>
            {
                command.Parameters.AddWithValue("after", endedAfter);
                command.Parameters.AddWithValue("before", endedBefore);
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken);

    /// <summary>
    /// Ended runs whose retry was due before <paramref name="dueBefore"/> and has not been reserved (no run carries the key
    /// <c>retry:&lt;run id&gt;</c>): the retry job was lost, failed, or found the mart busy.
    /// </summary>
    internal Task<List<RunRecord>> ListRetriesDueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"""
            SELECT {Columns} FROM {_table} r
            WHERE r.retry_at IS NOT NULL AND r.retry_at < @due
              AND NOT EXISTS (SELECT 1 FROM {_table} n WHERE n.trigger_key = 'retry:' || r.run_id::text)
            ORDER BY r.retry_at
            LIMIT @limit
            """,
            ReadRecord,
            command =>
            {
                command.Parameters.AddWithValue("due", dueBefore);
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken);

    /// <summary>Records that the ended run's dependants were handled (started, skipped or not due); idempotent.</summary>
    internal async Task MarkPropagatedAsync(Guid runId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"UPDATE {_table} SET propagated_at = @now WHERE run_id = @id AND propagated_at IS NULL AND status NOT IN {ActiveList}");
        command.Parameters.AddWithValue("id", runId);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RunSummary?> GetLatestSucceededAsync(string mart, DateTimeOffset logicalDate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mart);
        var runs = await QueryAsync(
            $"""
            SELECT {SummaryColumns} FROM {_table}
            WHERE mart = @mart AND logical_date = @logical AND status = '{RunStatus.Succeeded}'
            ORDER BY created_at DESC, run_id DESC
            LIMIT 1
            """,
            ReadSummary,
            command =>
            {
                command.Parameters.AddWithValue("mart", mart);
                command.Parameters.AddWithValue("logical", logicalDate.ToUniversalTime());
            },
            cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunSummary>> ListDownstreamOfAsync(Guid runId, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT {SummaryColumns} FROM {_table} WHERE upstream_run_ids @> ARRAY[@id]::uuid[] ORDER BY created_at, run_id LIMIT 100",
            ReadSummary,
            command => command.Parameters.AddWithValue("id", runId),
            cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Every active run with a statement id, with how long its mart's recent successful runs took (median of the last
    /// five), for the watcher.
    /// </summary>
    internal async Task<List<(Guid RunId, string StatementId, DateTimeOffset SubmittedAt, TimeSpan? Expected)>> ListWatchableAsync(
        CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"""
            SELECT r.run_id, r.statement_id, coalesce(r.submitted_at, r.created_at) AS submitted_at, h.expected_seconds
              FROM {_table} r
              LEFT JOIN LATERAL (
                   SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY recent.seconds) AS expected_seconds
                     FROM (SELECT extract(epoch FROM p.statement_finished_at - p.submitted_at)::float8 AS seconds
                             FROM {_table} p
                            WHERE p.mart = r.mart AND p.status = '{RunStatus.Succeeded}'
                              AND p.submitted_at IS NOT NULL AND p.statement_finished_at IS NOT NULL
                            ORDER BY p.created_at DESC
                            LIMIT 5) recent) h ON true
             WHERE r.status IN {ActiveList} AND r.statement_id IS NOT NULL
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = new RunColumns(reader);
        var list = new List<(Guid, string, DateTimeOffset, TimeSpan?)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var seconds = columns.NullableDouble("expected_seconds");
            list.Add((columns.Guid("run_id"), columns.String("statement_id"), columns.Time("submitted_at"),
                seconds is { } s ? TimeSpan.FromSeconds(s) : null));
        }

        return list;
    }

    /// <summary>
    /// Deletes up to <paramref name="batchSize"/> terminal runs that ended before <paramref name="before"/> (Skipped ones
    /// before <paramref name="skippedBefore"/>); returns how many. Active runs are never purged.
    /// </summary>
    internal async Task<int> PurgeAsync(DateTimeOffset before, DateTimeOffset skippedBefore, int batchSize, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"""
            DELETE FROM {_table} WHERE run_id IN (
                SELECT run_id FROM {_table}
                 WHERE status NOT IN {ActiveList}
                   AND completed_at < greatest(@skipped, @before)
                   AND completed_at < CASE WHEN status = '{RunStatus.Skipped}' THEN @skipped ELSE @before END
                 LIMIT @batch)
            """);
        command.Parameters.AddWithValue("before", before);
        command.Parameters.AddWithValue("skipped", skippedBefore);
        command.Parameters.AddWithValue("batch", batchSize);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static string StatementNameFor(string mart, Guid runId) => $"scheduler/{mart}/{runId:D}";

    internal static string ClientTokenFor(Guid runId) => runId.ToString("D");

    /// <summary>The run a trigger key reserved (e.g. <c>retry:&lt;run id&gt;</c>, the retry of a run), or null.</summary>
    internal async Task<RunRecord?> GetByTriggerKeyAsync(string triggerKey, CancellationToken cancellationToken)
    {
        var runs = await QueryAsync($"SELECT {Columns} FROM {_table} WHERE trigger_key = @key", ReadRecord,
            command => command.Parameters.AddWithValue("key", triggerKey), cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    private static void AddText(NpgsqlCommand command, string name, string? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value });

    private static void AddTime(NpgsqlCommand command, string name, DateTimeOffset? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = (object?)value?.ToUniversalTime() ?? DBNull.Value });

    private async Task<List<T>> QueryAsync<T>(string sql, Func<RunColumns, T> read, Action<NpgsqlCommand> bind, CancellationToken cancellationToken,
        NpgsqlConnection? connection = null)
    {
        await using var command = connection is null ? _dataSource.CreateCommand(sql) : new NpgsqlCommand(sql, connection);
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

    private static async Task<List<T>> QueryAsync<T>(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, Func<RunColumns, T> read, Action<NpgsqlCommand> bind,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
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

    private static RunSummary ReadSummary(RunColumns c) => new()
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

    private static RunRecord ReadRecord(RunColumns c)
    {
        var summary = ReadSummary(c);
        var subs = c.NullableString("sub_statements") is { } json ? JsonSerializer.Deserialize<List<RunSubStatement>>(json, RunJson.Options) : null;
        var workgroup = c.NullableString("target_workgroup");
        var cluster = c.NullableString("target_cluster");
        return new RunRecord
        {
            LogicalDate = summary.LogicalDate,
            IntervalStart = summary.IntervalStart,
            IntervalEnd = summary.IntervalEnd,
            Parameters = summary.Parameters,
            Attempt = summary.Attempt,
            RetryOf = summary.RetryOf,
            BackfillId = summary.BackfillId,
            UpstreamRunIds = summary.UpstreamRunIds,
            Downstream = summary.Downstream,
            RetryAt = summary.RetryAt,
            RunId = summary.RunId,
            Mart = summary.Mart,
            Trigger = summary.Trigger,
            Status = summary.Status,
            StatusReason = summary.StatusReason,
            StatementId = summary.StatementId,
            StatementName = summary.StatementName,
            ClientToken = summary.ClientToken,
            CreatedAt = summary.CreatedAt,
            SubmittedAt = summary.SubmittedAt,
            StatementFinishedAt = summary.StatementFinishedAt,
            CompletedAt = summary.CompletedAt,
            DeadlineAt = summary.DeadlineAt,
            Error = summary.Error,
            FailedStatementIndex = summary.FailedStatementIndex,
            ActiveRunId = summary.ActiveRunId,
            CancelReason = summary.CancelReason,
            CancelRequestedAt = summary.CancelRequestedAt,
            PollCount = summary.PollCount,
            UnconfirmedAt = summary.UnconfirmedAt,
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
}
