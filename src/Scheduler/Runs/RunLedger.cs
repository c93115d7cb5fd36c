using System.Text.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Scheduler.Runs;

/// <summary>
/// The run ledger on PostgreSQL (schema <see cref="RunsOptions.Schema"/>, table <c>runs</c>). Reads are public
/// (<see cref="IRunLedger"/>); writes are internal to the run lifecycle and each is a single guarded statement, so a
/// job that runs twice or dies half way never moves a run backwards. Times come from the caller's <see cref="TimeProvider"/>.
/// </summary>
public sealed class RunLedger : IRunLedger, IDisposable
{
    /// <summary>The DI key of the ledger's <see cref="NpgsqlDataSource"/> (on <c>ConnectionStrings:Scheduler</c>).</summary>
    public const string DataSourceKey = "Scheduler.Runs";

    internal const string ActiveStatuses = "('Submitting', 'Running', 'Cancelling')";

    private const string Columns =
        "run_id, mart, trigger, status, statement_id, statement_name, client_token, created_at, submitted_at, " +
        "statement_finished_at, completed_at, deadline_at, error, failed_statement_index, active_run_id, cancel_reason, " +
        "cancel_requested_at, poll_count, poll_attempt, next_poll_at, sub_statements, sql_statements, submit_attempted_at, " +
        "submit_attempts, trigger_key";

    private readonly NpgsqlDataSource _dataSource;
    private readonly RunLedgerSchema _schema;
    private readonly string _table;

    /// <summary>Creates the ledger on a data source; the schema is created or migrated on first use.</summary>
    public RunLedger([FromKeyedServices(DataSourceKey)] NpgsqlDataSource dataSource, IOptions<RunsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        _dataSource = dataSource;
        _schema = new RunLedgerSchema(dataSource, options.Value.Schema);
        _table = $"{options.Value.Schema}.runs";
    }

    /// <inheritdoc />
    public void Dispose() => _schema.Dispose();

    /// <summary>Creates or migrates the ledger's schema (idempotent; safe from several instances at once).</summary>
    public Task EnsureSchemaAsync(CancellationToken cancellationToken) => _schema.EnsureAsync(cancellationToken);

    /// <inheritdoc />
    public async Task<RunRecord?> GetAsync(Guid runId, CancellationToken cancellationToken)
    {
        var runs = await QueryAsync($"SELECT {Columns} FROM {_table} WHERE run_id = @id",
            command => command.Parameters.AddWithValue("id", runId), cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunRecord>> ListAsync(string? mart, RunStatus? status, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        return await QueryAsync(
            $"""
            SELECT {Columns} FROM {_table}
            WHERE (@mart::text IS NULL OR mart = @mart) AND (@status::text IS NULL OR status = @status)
            ORDER BY created_at DESC, run_id DESC
            LIMIT @limit
            """,
            command =>
            {
                command.Parameters.Add(new NpgsqlParameter("mart", NpgsqlDbType.Text) { Value = (object?)mart ?? DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = (object?)status?.ToString() ?? DBNull.Value });
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, RunRecord>> GetLastRunsAsync(CancellationToken cancellationToken)
    {
        var runs = await QueryAsync(
            $"SELECT DISTINCT ON (mart) {Columns} FROM {_table} ORDER BY mart, created_at DESC, run_id DESC",
            _ => { }, cancellationToken).ConfigureAwait(false);
        return runs.ToDictionary(run => run.Mart, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public async Task<RunRecord?> GetActiveAsync(string mart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mart);
        var runs = await QueryAsync($"SELECT {Columns} FROM {_table} WHERE mart = @mart AND status IN {ActiveStatuses}",
            command => command.Parameters.AddWithValue("mart", mart), cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <summary>
    /// Reserves a run (Submitting) unless the mart has an active run, in which case a Skipped run naming it is recorded.
    /// A <paramref name="triggerKey"/> already used (the same Hangfire trigger job running again) returns its run.
    /// The one-active-run rule is the unique partial index <c>runs_one_active_per_mart</c>.
    /// </summary>
    internal async Task<ReserveResult> ReserveAsync(
        string mart, RunTrigger trigger, string? triggerKey, TimeSpan timeout, DateTimeOffset now, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (triggerKey is not null)
            {
                var existing = await QueryAsync($"SELECT {Columns} FROM {_table} WHERE trigger_key = @key",
                    command => command.Parameters.AddWithValue("key", triggerKey), cancellationToken).ConfigureAwait(false);
                if (existing.Count > 0)
                {
                    return new ReserveResult(existing[0], IsNew: false);
                }
            }

            var runId = Guid.NewGuid();
            try
            {
                var inserted = await QueryAsync(
                    $"""
                    INSERT INTO {_table} (run_id, mart, trigger, trigger_key, status, statement_name, client_token,
                                          created_at, deadline_at, updated_at)
                    VALUES (@id, @mart, @trigger, @key, 'Submitting', @name, @token, @now, @deadline, @now)
                    ON CONFLICT (mart) WHERE status IN {ActiveStatuses} DO NOTHING
                    RETURNING {Columns}
                    """,
                    command =>
                    {
                        command.Parameters.AddWithValue("id", runId);
                        command.Parameters.AddWithValue("mart", mart);
                        command.Parameters.AddWithValue("trigger", trigger.ToString());
                        command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = (object?)triggerKey ?? DBNull.Value });
                        command.Parameters.AddWithValue("name", StatementNameFor(mart, runId));
                        command.Parameters.AddWithValue("token", ClientTokenFor(runId));
                        command.Parameters.AddWithValue("now", now);
                        command.Parameters.AddWithValue("deadline", now + timeout);
                    },
                    cancellationToken).ConfigureAwait(false);
                if (inserted.Count > 0)
                {
                    return new ReserveResult(inserted[0], IsNew: true);
                }
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == "runs_trigger_key")
            {
                continue; // the same trigger raced us; the next round returns its run
            }

            var active = await GetActiveAsync(mart, cancellationToken).ConfigureAwait(false);
            if (active is null)
            {
                if (attempt < 5)
                {
                    continue; // it ended between our insert and this read: try to reserve again
                }

                throw new InvalidOperationException($"Mart '{mart}': could not reserve a run; the active run changed five times in a row.");
            }

            var skippedId = Guid.NewGuid();
            var skipped = await QueryAsync(
                $"""
                INSERT INTO {_table} (run_id, mart, trigger, trigger_key, status, statement_name, client_token, created_at,
                                      deadline_at, completed_at, error, active_run_id, updated_at)
                VALUES (@id, @mart, @trigger, @key, 'Skipped', @name, @token, @now, @now, @now, @error, @active, @now)
                RETURNING {Columns}
                """,
                command =>
                {
                    command.Parameters.AddWithValue("id", skippedId);
                    command.Parameters.AddWithValue("mart", mart);
                    command.Parameters.AddWithValue("trigger", trigger.ToString());
                    command.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = (object?)triggerKey ?? DBNull.Value });
                    command.Parameters.AddWithValue("name", StatementNameFor(mart, skippedId));
                    command.Parameters.AddWithValue("token", ClientTokenFor(skippedId));
                    command.Parameters.AddWithValue("now", now);
                    command.Parameters.AddWithValue("error",
                        $"Skipped: run {active.RunId} of mart '{mart}' was still active ({active.Status}, created {active.CreatedAt:O}); at most one run per mart is active at a time.");
                    command.Parameters.AddWithValue("active", active.RunId);
                },
                cancellationToken).ConfigureAwait(false);
            return new ReserveResult(skipped[0], IsNew: true);
        }
    }

    /// <summary>
    /// Records that BatchExecuteStatement is about to be called: keeps the statements (first time only, so a resubmit
    /// sends the same batch), the first attempt's time (the ClientToken window) and the attempt count. Null when the
    /// run must not be sent: it ended, its statement is already checkpointed, or it was cancelled before any attempt.
    /// </summary>
    internal async Task<RunRecord?> RecordSubmitAttemptAsync(Guid runId, IReadOnlyList<string> statements, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var subStatements = statements.Select((sql, i) => new RunSubStatement(i + 1, Security.SecretRedactor.Redact(sql), "SUBMITTED", null, null, null)).ToList();
        var runs = await QueryAsync(
            $"""
            UPDATE {_table}
            SET sql_statements = coalesce(sql_statements, @sqls),
                sub_statements = coalesce(sub_statements, @subs),
                submit_attempted_at = coalesce(submit_attempted_at, @now),
                submit_attempts = submit_attempts + 1,
                next_poll_at = NULL,
                updated_at = @now
            WHERE run_id = @id AND statement_id IS NULL
              AND (status = 'Submitting' OR (status = 'Cancelling' AND submit_attempted_at IS NOT NULL))
            RETURNING {Columns}
            """,
            command =>
            {
                command.Parameters.AddWithValue("id", runId);
                command.Parameters.AddWithValue("sqls", statements.ToArray());
                command.Parameters.Add(new NpgsqlParameter("subs", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(subStatements, RunJson.Options) });
                command.Parameters.AddWithValue("now", now);
            },
            cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <summary>
    /// Checkpoints the statement id: Submitting → Running (a Cancelling run stays Cancelling), poll attempt 1 due at
    /// <paramref name="firstPollAt"/>. Null when another copy of the submit already checkpointed or the run ended.
    /// </summary>
    internal async Task<RunRecord?> CheckpointStatementAsync(
        Guid runId, string statementId, DateTimeOffset submittedAt, DateTimeOffset firstPollAt, CancellationToken cancellationToken)
    {
        var runs = await QueryAsync(
            $"""
            UPDATE {_table}
            SET statement_id = @statement,
                status = CASE WHEN status = 'Cancelling' THEN 'Cancelling' ELSE 'Running' END,
                submitted_at = @submitted,
                poll_attempt = 1,
                next_poll_at = @next,
                updated_at = @submitted
            WHERE run_id = @id AND status IN {ActiveStatuses} AND statement_id IS NULL
            RETURNING {Columns}
            """,
            command =>
            {
                command.Parameters.AddWithValue("id", runId);
                command.Parameters.AddWithValue("statement", statementId);
                command.Parameters.AddWithValue("submitted", submittedAt);
                command.Parameters.AddWithValue("next", firstPollAt);
            },
            cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <summary>Records when the next submit attempt is due (after a transient error), so recovery leaves it alone until then.</summary>
    internal async Task SetNextStepAsync(Guid runId, DateTimeOffset nextAt, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"UPDATE {_table} SET next_poll_at = @next, updated_at = @now WHERE run_id = @id AND status IN {ActiveStatuses}",
            command =>
            {
                command.Parameters.AddWithValue("id", runId);
                command.Parameters.AddWithValue("next", nextAt);
                command.Parameters.AddWithValue("now", now);
            },
            cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Moves the run from poll attempt <paramref name="attempt"/> to the next one, due at <paramref name="nextPollAt"/>.
    /// False when the run is no longer at that attempt (another copy moved it) or ended: the caller must not schedule.
    /// </summary>
    internal async Task<bool> AdvancePollAsync(
        Guid runId, int attempt, DateTimeOffset nextPollAt, bool countPoll, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"""
            UPDATE {_table}
            SET poll_attempt = poll_attempt + 1, poll_count = poll_count + @polls, next_poll_at = @next, updated_at = @now
            WHERE run_id = @id AND poll_attempt = @attempt AND statement_id IS NOT NULL AND status IN {ActiveStatuses}
            """,
            command =>
            {
                command.Parameters.AddWithValue("id", runId);
                command.Parameters.AddWithValue("attempt", attempt);
                command.Parameters.AddWithValue("polls", countPoll ? 1 : 0);
                command.Parameters.AddWithValue("next", nextPollAt);
                command.Parameters.AddWithValue("now", now);
            },
            cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>Submitting/Running → Cancelling with a reason (the first reason wins). Returns the run as it now is, or null if unknown.</summary>
    internal async Task<RunRecord?> RequestCancelAsync(Guid runId, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var runs = await QueryAsync(
            $"""
            UPDATE {_table}
            SET status = 'Cancelling',
                cancel_reason = coalesce(cancel_reason, @reason),
                cancel_requested_at = coalesce(cancel_requested_at, @now),
                updated_at = @now
            WHERE run_id = @id AND status IN {ActiveStatuses}
            RETURNING {Columns}
            """,
            command =>
            {
                command.Parameters.AddWithValue("id", runId);
                command.Parameters.AddWithValue("reason", reason);
                command.Parameters.AddWithValue("now", now);
            },
            cancellationToken).ConfigureAwait(false);
        return runs.Count > 0 ? runs[0] : await GetAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a terminal status, once: false when the run had already ended (the first outcome stands).</summary>
    /// <remarks>With <c>onlyIfNeverSubmitted</c>, only when BatchExecuteStatement was never attempted (nothing can be running in Redshift).</remarks>
    internal async Task<bool> CompleteAsync(
        Guid runId, RunOutcome outcome, int pollsToAdd, bool onlyIfNeverSubmitted, DateTimeOffset now, CancellationToken cancellationToken) =>
        await ExecuteAsync(
            $"""
            UPDATE {_table}
            SET status = @status, error = @error, failed_statement_index = @failed,
                sub_statements = coalesce(@subs, sub_statements),
                statement_finished_at = @finished, completed_at = @now, next_poll_at = NULL,
                poll_count = poll_count + @polls, updated_at = @now
            WHERE run_id = @id AND status IN {ActiveStatuses} AND (NOT @never OR submit_attempted_at IS NULL)
            """,
            command =>
            {
                command.Parameters.AddWithValue("id", runId);
                command.Parameters.AddWithValue("status", outcome.Status.ToString());
                command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)outcome.Error ?? DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter("failed", NpgsqlDbType.Integer) { Value = (object?)outcome.FailedStatementIndex ?? DBNull.Value });
                command.Parameters.Add(new NpgsqlParameter("subs", NpgsqlDbType.Jsonb)
                {
                    Value = outcome.SubStatements is null ? DBNull.Value : JsonSerializer.Serialize(outcome.SubStatements, RunJson.Options),
                });
                command.Parameters.Add(new NpgsqlParameter("finished", NpgsqlDbType.TimestampTz) { Value = (object?)outcome.StatementFinishedAt ?? DBNull.Value });
                command.Parameters.AddWithValue("polls", pollsToAdd);
                command.Parameters.AddWithValue("never", onlyIfNeverSubmitted);
                command.Parameters.AddWithValue("now", now);
            },
            cancellationToken).ConfigureAwait(false) == 1;

    /// <summary>Active runs whose next step was due before <paramref name="dueBefore"/>: their job was probably lost.</summary>
    internal Task<IReadOnlyList<RunRecord>> ListOverdueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            $"""
            SELECT {Columns} FROM {_table}
            WHERE status IN {ActiveStatuses} AND coalesce(next_poll_at, updated_at) < @due
            ORDER BY coalesce(next_poll_at, updated_at)
            LIMIT @limit
            """,
            command =>
            {
                command.Parameters.AddWithValue("due", dueBefore);
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken);

    internal static string StatementNameFor(string mart, Guid runId) => $"scheduler/{mart}/{runId:D}";

    internal static string ClientTokenFor(Guid runId) => runId.ToString("D");

    private async Task<int> ExecuteAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand(sql);
        bind(command);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<RunRecord>> QueryAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await _schema.EnsureAsync(cancellationToken).ConfigureAwait(false);
        await using var command = _dataSource.CreateCommand(sql);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var runs = new List<RunRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            runs.Add(Read(reader));
        }

        return runs;
    }

    private static RunRecord Read(NpgsqlDataReader reader)
    {
        var subs = reader.IsDBNull(20) ? null : JsonSerializer.Deserialize<List<RunSubStatement>>(reader.GetString(20), RunJson.Options);
        return new RunRecord
        {
            RunId = reader.GetGuid(0),
            Mart = reader.GetString(1),
            Trigger = Enum.Parse<RunTrigger>(reader.GetString(2)),
            Status = Enum.Parse<RunStatus>(reader.GetString(3)),
            StatementId = NullableString(reader, 4),
            StatementName = reader.GetString(5),
            ClientToken = reader.GetString(6),
            CreatedAt = Time(reader, 7)!.Value,
            SubmittedAt = Time(reader, 8),
            StatementFinishedAt = Time(reader, 9),
            CompletedAt = Time(reader, 10),
            DeadlineAt = Time(reader, 11)!.Value,
            Error = NullableString(reader, 12),
            FailedStatementIndex = reader.IsDBNull(13) ? null : reader.GetInt32(13),
            ActiveRunId = reader.IsDBNull(14) ? null : reader.GetGuid(14),
            CancelReason = NullableString(reader, 15),
            CancelRequestedAt = Time(reader, 16),
            PollCount = reader.GetInt32(17),
            PollAttempt = reader.GetInt32(18),
            NextPollAt = Time(reader, 19),
            SubStatements = subs ?? [],
            SqlStatements = reader.IsDBNull(21) ? null : reader.GetFieldValue<string[]>(21),
            SubmitAttemptedAt = Time(reader, 22),
            SubmitAttempts = reader.GetInt32(23),
            TriggerKey = NullableString(reader, 24),
        };
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? Time(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(ordinal), TimeSpan.Zero);
}
