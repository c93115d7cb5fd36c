using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Scheduler.Database;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Retention;

namespace Scheduler.Runs.Store;

/// <summary>
/// The one writer of the run ledger (table <c>runs</c>, migrated at start-up by <see cref="SchedulerDatabase"/>): the
/// reservation (an insert, admitted under the mart's lock), compare-and-swap updates on the row's version, the slot
/// locks and counts, the propagated mark and the purge. Every change of an existing row names the version it was
/// decided on, and is refused when the row has moved on.
/// </summary>
/// <remarks>
/// Not registered in the container: only <see cref="RunLifecycle"/> and <see cref="RunRetentionJob"/> are handed one
/// (see <c>AddRuns</c>). Everyone else reads through <see cref="IRunQueries"/> or <see cref="RunSweepQueries"/> and
/// changes a run by delivering an event to the lifecycle.
/// </remarks>
internal sealed class RunStore
{
    // The advisory lock class of the slot counts (the second key is the hash of the slot key).
    private const int SlotLockClass = 15015;

    private readonly RunRows _rows;

    /// <summary>Creates the store on the service's database.</summary>
    public RunStore(SchedulerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _rows = new RunRows(database);
    }

    /// <summary>The run as it is now: what a compare-and-swap is decided on.</summary>
    internal Task<RunRecord?> GetAsync(Guid runId, CancellationToken cancellationToken) => _rows.GetAsync(runId, null, cancellationToken);

    /// <summary>The run, read on <paramref name="connection"/> (within its transaction) when given, else on its own.</summary>
    internal Task<RunRecord?> GetAsync(Guid runId, NpgsqlConnection? connection, CancellationToken cancellationToken) =>
        _rows.GetAsync(runId, connection, cancellationToken);

    /// <summary>A connection for a transaction that counts and moves slots (see <see cref="LockSlotAsync"/>).</summary>
    internal ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken) => _rows.DataSource.OpenConnectionAsync(cancellationToken);

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
        var counts = await _rows.QueryAsync(
            $"""
            SELECT count(*) FILTER (WHERE status IN {RunRows.StartedList})::int AS holders,
                   count(*) FILTER (WHERE status = '{RunStatus.Queued}' AND coalesce(next_poll_at, created_at) <= @now)::int AS waiting
              FROM {_rows.Table}
             WHERE slot_key = @key AND status IN {RunRows.ActiveList}
            """,
            c => (c.Int("holders"), c.Int("waiting")),
            command =>
            {
                command.Parameters.AddWithValue("key", slotKey);
                command.Parameters.AddWithValue("now", now);
            },
            cancellationToken,
            connection).ConfigureAwait(false);
        return counts[0];
    }

    /// <summary>
    /// The Queued runs of <paramref name="slotKey"/> next in line for a slot at <paramref name="now"/>: manual runs
    /// first, then by trigger time (creation), oldest first.
    /// </summary>
    internal Task<List<RunRecord>> ListNextQueuedAsync(NpgsqlConnection connection, string slotKey, DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        _rows.QueryAsync(
            $"""
            SELECT {RunRows.Columns} FROM {_rows.Table}
             WHERE slot_key = @key AND status = '{RunStatus.Queued}' AND coalesce(next_poll_at, created_at) <= @now
             ORDER BY (trigger = '{RunTrigger.Manual}') DESC, created_at, run_id
             LIMIT @limit
            """,
            RunRows.ReadRecord,
            command =>
            {
                command.Parameters.AddWithValue("key", slotKey);
                command.Parameters.AddWithValue("now", now);
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken,
            connection);

    /// <summary>
    /// Reserves a run: under the mart's advisory lock, inserts it Submitting if <see cref="RunAdmission"/> admits it
    /// beside the mart's active runs; otherwise returns the run in the way (<c>Blocking</c>) and, unless the request
    /// waits, records a Skipped run naming it. A request with a skip reason is recorded Skipped at once. A trigger key
    /// used before returns its run and inserts nothing.
    /// </summary>
    internal async Task<(RunRecord? Run, bool IsNew, RunRecord? Blocking)> TryInsertAsync(NewRun run, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var request = run.Request;
        if (request.TriggerKey is { } key && await _rows.GetByTriggerKeyAsync(key, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return (existing, false, null);
        }

        try
        {
            await using var connection = await _rows.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@resource))", connection, transaction))
            {
                // Every reservation of the mart takes this lock, so counting its active runs and inserting one is atomic.
                lockCommand.Parameters.AddWithValue("resource", $"{_rows.Table}:{run.Mart}");
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            RunRecord? blocking = null;
            var skipReason = request.SkipReason;
            if (skipReason is null)
            {
                var active = await _rows.QueryAsync(
                    $"SELECT {RunRows.Columns} FROM {_rows.Table} WHERE mart = @mart AND status IN {RunRows.ActiveList} ORDER BY created_at, run_id",
                    RunRows.ReadRecord, command => command.Parameters.AddWithValue("mart", run.Mart), cancellationToken, connection, transaction)
                    .ConfigureAwait(false);
                (blocking, skipReason) = RunAdmission.Admit(run, active);
                if (blocking is not null && request.WaitWhenBusy)
                {
                    return (null, false, blocking);
                }
            }

            var inserted = await InsertAsync(connection, transaction, run, skipReason, blocking, now, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return (inserted, true, blocking);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "runs_trigger_key")
        {
            // The same trigger raced us: its run is the answer.
            return (await _rows.GetByTriggerKeyAsync(request.TriggerKey!, cancellationToken).ConfigureAwait(false), false, null);
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
            UPDATE {_rows.Table}
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
        await using var own = connection is null ? await _rows.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false) : null;
        command.Connection ??= own;
        var p = command.Parameters;
        p.AddWithValue("id", current.RunId);
        p.AddWithValue("version", current.Version);
        p.AddWithValue("status", next.Status.ToString());
        RunRows.AddText(command, "reason", next.StatusReason);
        RunRows.AddText(command, "statement", next.StatementId);
        RunRows.AddTime(command, "submitted", next.SubmittedAt);
        RunRows.AddTime(command, "finished", next.StatementFinishedAt);
        RunRows.AddTime(command, "completed", next.CompletedAt);
        RunRows.AddText(command, "error", next.Error);
        p.Add(new NpgsqlParameter("failed", NpgsqlDbType.Integer) { Value = (object?)next.FailedStatementIndex ?? DBNull.Value });
        RunRows.AddText(command, "cancel_reason", next.CancelReason);
        RunRows.AddTime(command, "cancel_at", next.CancelRequestedAt);
        p.AddWithValue("polls", next.PollCount);
        p.AddWithValue("attempt", next.PollAttempt);
        RunRows.AddTime(command, "next", next.NextStepDueAt);
        RunRows.AddTime(command, "attempted", next.SubmitAttemptedAt);
        p.AddWithValue("attempts", next.SubmitAttempts);
        RunRows.AddTime(command, "lease", next.SubmitLeaseUntil);
        RunRows.AddTime(command, "unconfirmed", next.UnconfirmedAt);
        RunRows.AddTime(command, "retry_at", next.RetryAt);
        RunRows.AddText(command, "slot", next.SlotKey);
        p.AddWithValue("sqls_changed", !ReferenceEquals(current.SqlStatements, next.SqlStatements));
        p.Add(new NpgsqlParameter("sqls", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)next.SqlStatements?.ToArray() ?? DBNull.Value });
        p.AddWithValue("subs_changed", !ReferenceEquals(current.SubStatements, next.SubStatements));
        p.Add(new NpgsqlParameter("subs", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(next.SubStatements, RunJson.Options) });
        p.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Records that the ended run's dependants were handled (started, skipped or not due), if the row is still at
    /// <paramref name="version"/>: the version the handling was decided on. False when the run changed since (its retry
    /// was abandoned, say), was marked already, or is gone: the dependency sweep decides again on what it is now.
    /// </summary>
    /// <remarks>
    /// The mark checks the version but does not bump it: no decision of <see cref="RunStateMachine"/> reads
    /// <c>propagated_at</c>, so a lifecycle write decided before the mark is still right after it.
    /// </remarks>
    internal async Task<bool> MarkPropagatedAsync(Guid runId, int version, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _rows.DataSource.CreateCommand(
            $"""
            UPDATE {_rows.Table} SET propagated_at = @now
             WHERE run_id = @id AND version = @version AND propagated_at IS NULL AND status NOT IN {RunRows.ActiveList}
            """);
        command.Parameters.AddWithValue("id", runId);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    /// <summary>
    /// Deletes up to <paramref name="batchSize"/> ended runs that ended before <paramref name="before"/> (Skipped ones
    /// before <paramref name="skippedBefore"/>), each at the version it was found at; returns how many. Active runs are
    /// never purged.
    /// </summary>
    internal async Task<int> PurgeAsync(DateTimeOffset before, DateTimeOffset skippedBefore, int batchSize, CancellationToken cancellationToken)
    {
        var found = await ListPurgeableAsync(before, skippedBefore, batchSize, cancellationToken).ConfigureAwait(false);
        return await DeleteAsync(found, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> ended runs old enough to purge (see <see cref="PurgeAsync(DateTimeOffset, DateTimeOffset, int, CancellationToken)"/>),
    /// with the version each was read at.
    /// </summary>
    internal Task<List<(Guid RunId, int Version)>> ListPurgeableAsync(DateTimeOffset before, DateTimeOffset skippedBefore, int limit, CancellationToken cancellationToken) =>
        _rows.QueryAsync(
            $"""
            SELECT run_id, version FROM {_rows.Table}
             WHERE status NOT IN {RunRows.ActiveList}
               AND completed_at < greatest(@skipped, @before)
               AND completed_at < CASE WHEN status = '{RunStatus.Skipped}' THEN @skipped ELSE @before END
             LIMIT @limit
            """,
            c => (c.Guid("run_id"), c.Int("version")),
            command =>
            {
                command.Parameters.AddWithValue("before", before);
                command.Parameters.AddWithValue("skipped", skippedBefore);
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken);

    /// <summary>
    /// Deletes <paramref name="runs"/> that are still at the version given and still ended; returns how many. A run
    /// changed since it was read (a retry abandoned, say) stays for the next purge to look at again.
    /// </summary>
    internal async Task<int> DeleteAsync(IReadOnlyCollection<(Guid RunId, int Version)> runs, CancellationToken cancellationToken)
    {
        if (runs.Count == 0)
        {
            return 0;
        }

        // PostgreSQL re-checks the WHERE clause on a row another transaction changed meanwhile, so a row whose version
        // moved after the read, or (however it came to be) is active, is not deleted.
        await using var command = _rows.DataSource.CreateCommand(
            $"""
            DELETE FROM {_rows.Table} r USING unnest(@ids::uuid[], @versions::int[]) AS d(run_id, version)
             WHERE r.run_id = d.run_id AND r.version = d.version AND r.status NOT IN {RunRows.ActiveList}
            """);
        command.Parameters.AddWithValue("ids", runs.Select(r => r.RunId).ToArray());
        command.Parameters.AddWithValue("versions", runs.Select(r => r.Version).ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string StatementNameFor(string mart, Guid runId) => $"scheduler/{mart}/{runId:D}";

    private static string ClientTokenFor(Guid runId) => runId.ToString("D");

    private async Task<RunRecord> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewRun run, string? skipReason,
        RunRecord? blocking, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var request = run.Request;
        var runId = Guid.NewGuid();
        var status = skipReason is null ? RunStatus.Submitting : RunStatus.Skipped;
        var target = status == RunStatus.Skipped ? null : run.Target;
        var inserted = await _rows.QueryAsync(
            $"""
            INSERT INTO {_rows.Table} (run_id, mart, trigger, trigger_key, status, statement_name, client_token, created_at, deadline_at,
                                  completed_at, error, active_run_id, updated_at, target_workgroup, target_cluster, target_database,
                                  target_db_user, target_secret_arn, logical_date, interval_start, interval_end, parameters, attempt,
                                  retry_of, backfill_id, upstream_run_ids, downstream)
            VALUES (@id, @mart, @trigger, @key, @status, @name, @token, @now, @deadline, @completed, @error, @active, @now, @workgroup,
                    @cluster, @database, @dbuser, @secret, @logical, @interval_start, @interval_end, @parameters, @attempt, @retry_of,
                    @backfill, @upstream, @downstream)
            RETURNING {RunRows.Columns}
            """,
            RunRows.ReadRecord,
            command =>
            {
                var p = command.Parameters;
                p.AddWithValue("id", runId);
                p.AddWithValue("mart", run.Mart);
                p.AddWithValue("trigger", request.Trigger.ToString());
                RunRows.AddText(command, "key", request.TriggerKey);
                p.AddWithValue("status", status.ToString());
                p.AddWithValue("name", StatementNameFor(run.Mart, runId));
                p.AddWithValue("token", ClientTokenFor(runId));
                p.AddWithValue("now", now);
                p.AddWithValue("deadline", status == RunStatus.Skipped ? now : now + run.Timeout);
                RunRows.AddTime(command, "completed", status == RunStatus.Skipped ? now : null);
                RunRows.AddText(command, "error", skipReason);
                p.Add(new NpgsqlParameter("active", NpgsqlDbType.Uuid) { Value = (object?)blocking?.RunId ?? DBNull.Value });
                RunRows.AddText(command, "workgroup", target?.WorkgroupName);
                RunRows.AddText(command, "cluster", target?.ClusterIdentifier);
                RunRows.AddText(command, "database", target?.Database);
                RunRows.AddText(command, "dbuser", target?.DbUser);
                RunRows.AddText(command, "secret", target?.SecretArn);
                p.AddWithValue("logical", run.LogicalDate.ToUniversalTime());
                RunRows.AddTime(command, "interval_start", run.Interval.Start);
                RunRows.AddTime(command, "interval_end", run.Interval.End);
                p.Add(new NpgsqlParameter("parameters", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(run.Parameters, RunJson.Options) });
                p.AddWithValue("attempt", request.Attempt);
                p.Add(new NpgsqlParameter("retry_of", NpgsqlDbType.Uuid) { Value = (object?)request.RetryOf ?? DBNull.Value });
                p.Add(new NpgsqlParameter("backfill", NpgsqlDbType.Uuid) { Value = (object?)request.BackfillId ?? DBNull.Value });
                p.Add(new NpgsqlParameter("upstream", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = request.UpstreamRunIds.ToArray() });
                p.AddWithValue("downstream", request.Downstream);
            },
            cancellationToken,
            connection,
            transaction).ConfigureAwait(false);
        return inserted[0];
    }
}
