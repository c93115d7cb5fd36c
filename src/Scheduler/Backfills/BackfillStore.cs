using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Scheduler.Database;
using Scheduler.Runs;
using Scheduler.Runs.Store;

namespace Scheduler.Backfills;

/// <summary>
/// Backfills and their dates on PostgreSQL (tables <c>backfills</c>, <c>backfill_dates</c>), and the catch-up
/// watermarks. Changes to a backfill's dates are made under its advisory lock (<see cref="LockAsync"/>), so a driver
/// and a cancel never interleave.
/// </summary>
internal sealed class BackfillStore
{
    private const string Columns =
        "backfill_id, kind, mart, from_date, to_date, max_concurrent, rerun, downstream, parameters, status, created_at, created_by, " +
        "cancelled_at, cancelled_by, completed_at";

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly IRunQueries _runs;

    /// <summary>Creates the store on the service's database; the dates' runs are read through <paramref name="runs"/>.</summary>
    public BackfillStore(SchedulerDatabase database, IRunQueries runs)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(runs);
        _dataSource = database.DataSource;
        _schema = database.Schema;
        _runs = runs;
    }

    /// <summary>
    /// Stores a new backfill with its planned dates in one transaction; for a catch-up, moves the mart's watermark in the
    /// same transaction, so a crash leaves either both or neither.
    /// </summary>
    internal async Task CreateAsync(Backfill backfill, IReadOnlyList<BackfillDate> dates, DateTimeOffset? watermark, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var insert = new NpgsqlCommand(
            $"""
            INSERT INTO {_schema}.backfills (backfill_id, kind, mart, from_date, to_date, max_concurrent, rerun, downstream, parameters, status,
                                             created_at, created_by)
            VALUES (@id, @kind, @mart, @from, @to, @max, @rerun, @downstream, @parameters, @status, @created, @by)
            """, connection, transaction))
        {
            var p = insert.Parameters;
            p.AddWithValue("id", backfill.BackfillId);
            p.AddWithValue("kind", KindText(backfill.Kind));
            p.AddWithValue("mart", backfill.Mart);
            p.AddWithValue("from", backfill.From.ToUniversalTime());
            p.AddWithValue("to", backfill.To.ToUniversalTime());
            p.AddWithValue("max", backfill.MaxConcurrent);
            p.AddWithValue("rerun", backfill.Rerun.ToString());
            p.AddWithValue("downstream", backfill.Downstream);
            p.Add(new NpgsqlParameter("parameters", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(backfill.Parameters, RunJson.Options) });
            p.AddWithValue("status", backfill.Status.ToString());
            p.AddWithValue("created", backfill.CreatedAt.ToUniversalTime());
            p.Add(new NpgsqlParameter("by", NpgsqlDbType.Text) { Value = (object?)backfill.CreatedBy ?? DBNull.Value });
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var insertDates = new NpgsqlCommand(
            $"""
            INSERT INTO {_schema}.backfill_dates (backfill_id, logical_date, state, run_id, note)
            SELECT @id, d.logical_date, d.state, d.run_id, d.note
              FROM unnest(@dates::timestamptz[], @states::text[], @runs::uuid[], @notes::text[]) AS d(logical_date, state, run_id, note)
            """, connection, transaction))
        {
            var p = insertDates.Parameters;
            p.AddWithValue("id", backfill.BackfillId);
            p.AddWithValue("dates", dates.Select(d => d.LogicalDate.ToUniversalTime()).ToArray());
            p.AddWithValue("states", dates.Select(d => d.State.ToString()).ToArray());
            p.Add(new NpgsqlParameter("runs", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = dates.Select(d => d.RunId is { } id ? (object)id : DBNull.Value).ToArray() });
            p.Add(new NpgsqlParameter("notes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = dates.Select(d => (object?)d.Note ?? DBNull.Value).ToArray() });
            await insertDates.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (watermark is { } mark)
        {
            await SetWatermarkAsync(connection, transaction, backfill.Mart, mark, backfill.CreatedAt, cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The backfill, or null.</summary>
    public async Task<Backfill?> GetAsync(Guid backfillId, CancellationToken cancellationToken)
    {
        var list = await ListWhereAsync("backfill_id = @id", p => p.AddWithValue("id", backfillId), 1, cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    /// <summary>The backfill with every date and its run's status, or null.</summary>
    public async Task<BackfillProgress?> GetProgressAsync(Guid backfillId, CancellationToken cancellationToken)
    {
        if (await GetAsync(backfillId, cancellationToken).ConfigureAwait(false) is not { } backfill)
        {
            return null;
        }

        return new BackfillProgress(backfill, await GetDatesAsync(backfillId, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Backfills newest first, optionally of one mart.</summary>
    public Task<List<Backfill>> ListAsync(string? mart, int limit, CancellationToken cancellationToken) =>
        ListWhereAsync("(@mart::text IS NULL OR mart = @mart)",
            p => p.Add(new NpgsqlParameter("mart", NpgsqlDbType.Text) { Value = (object?)mart ?? DBNull.Value }), limit, cancellationToken);

    /// <summary>The ids of the running backfills, optionally of one mart.</summary>
    internal async Task<List<Guid>> ListRunningAsync(string? mart, CancellationToken cancellationToken)
    {
        var list = await ListWhereAsync("status = 'Running' AND (@mart::text IS NULL OR mart = @mart)",
            p => p.Add(new NpgsqlParameter("mart", NpgsqlDbType.Text) { Value = (object?)mart ?? DBNull.Value }), 10_000, cancellationToken).ConfigureAwait(false);
        return [.. list.Select(b => b.BackfillId)];
    }

    /// <summary>Every date of the backfill, oldest first, with its run's status (null once the run was purged).</summary>
    internal async Task<List<BackfillDate>> GetDatesAsync(Guid backfillId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT logical_date, state, run_id, note FROM {_schema}.backfill_dates WHERE backfill_id = @id ORDER BY logical_date");
        command.Parameters.AddWithValue("id", backfillId);
        var dates = new List<(DateTimeOffset LogicalDate, BackfillDateState State, Guid? RunId, string? Note)>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            var columns = new RunColumns(reader);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                dates.Add((columns.Time("logical_date"), Enum.Parse<BackfillDateState>(columns.String("state")), columns.NullableGuid("run_id"),
                    columns.NullableString("note")));
            }
        }

        // The runs are the ledger's: asked of its read model, not joined here.
        var runs = await _runs.GetSummariesAsync([.. dates.Where(d => d.RunId is not null).Select(d => d.RunId!.Value).Distinct()], cancellationToken)
            .ConfigureAwait(false);
        return [.. dates.Select(d =>
        {
            var run = d.RunId is { } id ? runs.GetValueOrDefault(id) : null;
            return new BackfillDate(d.LogicalDate, d.State, d.RunId, run?.Status, d.Note ?? (run?.Status == RunStatus.Skipped ? run.Error : null));
        })];
    }

    /// <summary>
    /// Holds the backfill's advisory lock until disposed: the one driver at a time, and a cancel waits for it. The lock
    /// is a transaction's, so a killed process releases it with its connection.
    /// </summary>
    internal async Task<IAsyncDisposable> LockAsync(Guid backfillId, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@resource))", connection, transaction);
            command.Parameters.AddWithValue("resource", $"{_schema}.backfills:{backfillId:D}");
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new HeldLock(connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Takes the catch-up leader's lock if it is free (held until disposed); null when another instance holds it.</summary>
    internal async Task<IAsyncDisposable?> TryLockCatchUpAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtext(@resource))", connection, transaction);
            command.Parameters.AddWithValue("resource", $"{_schema}.catchup");
            if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
            {
                return new HeldLock(connection, transaction);
            }

            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Records the date's run as started (only a Pending date: a cancel that came first wins).</summary>
    internal Task MarkStartedAsync(Guid backfillId, DateTimeOffset date, Guid runId, CancellationToken cancellationToken) =>
        ExecuteAsync($"UPDATE {_schema}.backfill_dates SET state = 'Started', run_id = @run WHERE backfill_id = @id AND logical_date = @date AND state = 'Pending'",
            backfillId, date, runId, cancellationToken);

    /// <summary>Records the date's last run (after a retry, the newest attempt) while it is still going.</summary>
    internal Task MarkAttemptAsync(Guid backfillId, DateTimeOffset date, Guid runId, CancellationToken cancellationToken) =>
        ExecuteAsync($"UPDATE {_schema}.backfill_dates SET run_id = @run WHERE backfill_id = @id AND logical_date = @date",
            backfillId, date, runId, cancellationToken);

    /// <summary>Records that the date's last run ended and nothing follows.</summary>
    internal Task MarkFinishedAsync(Guid backfillId, DateTimeOffset date, Guid runId, CancellationToken cancellationToken) =>
        ExecuteAsync($"UPDATE {_schema}.backfill_dates SET state = 'Finished', run_id = @run WHERE backfill_id = @id AND logical_date = @date AND state IN ('Pending', 'Started')",
            backfillId, date, runId, cancellationToken);

    /// <summary>Marks a running backfill Completed.</summary>
    internal async Task MarkCompletedAsync(Guid backfillId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"UPDATE {_schema}.backfills SET status = 'Completed', completed_at = @now WHERE backfill_id = @id AND status = 'Running'");
        command.Parameters.AddWithValue("id", backfillId);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels a running backfill: its Pending dates become Cancelled; Started dates keep their runs. False when it was
    /// not running. Call it holding <see cref="LockAsync"/>.
    /// </summary>
    internal async Task<bool> CancelAsync(Guid backfillId, string? by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            $"""
            UPDATE {_schema}.backfills SET status = 'Cancelled', cancelled_at = @now, cancelled_by = @by WHERE backfill_id = @id AND status = 'Running'
            """, connection, transaction);
        command.Parameters.AddWithValue("id", backfillId);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.Add(new NpgsqlParameter("by", NpgsqlDbType.Text) { Value = (object?)by ?? DBNull.Value });
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            return false;
        }

        await using var dates = new NpgsqlCommand(
            $"UPDATE {_schema}.backfill_dates SET state = 'Cancelled' WHERE backfill_id = @id AND state = 'Pending'", connection, transaction);
        dates.Parameters.AddWithValue("id", backfillId);
        await dates.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The mart's catch-up watermark: its cron slots up to it were looked at. Null on first sight.</summary>
    internal async Task<DateTimeOffset?> GetWatermarkAsync(string mart, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT watermark FROM {_schema}.catchup_watermarks WHERE mart = @mart");
        command.Parameters.AddWithValue("mart", mart);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime value ? new DateTimeOffset(value, TimeSpan.Zero) : null;
    }

    /// <summary>Moves the mart's watermark forward (never back).</summary>
    internal async Task SetWatermarkAsync(string mart, DateTimeOffset watermark, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await SetWatermarkAsync(connection, null, mart, watermark, now, cancellationToken).ConfigureAwait(false);
    }

    private static string KindText(BackfillKind kind) => kind == BackfillKind.CatchUp ? "catchup" : "backfill";

    private async Task SetWatermarkAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string mart, DateTimeOffset watermark, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {_schema}.catchup_watermarks (mart, watermark, updated_at) VALUES (@mart, @watermark, @now)
            ON CONFLICT (mart) DO UPDATE SET watermark = greatest({_schema}.catchup_watermarks.watermark, excluded.watermark), updated_at = excluded.updated_at
            """, connection, transaction);
        command.Parameters.AddWithValue("mart", mart);
        command.Parameters.AddWithValue("watermark", watermark.ToUniversalTime());
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ExecuteAsync(string sql, Guid backfillId, DateTimeOffset date, Guid runId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", backfillId);
        command.Parameters.AddWithValue("date", date.ToUniversalTime());
        command.Parameters.AddWithValue("run", runId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<Backfill>> ListWhereAsync(string where, Action<NpgsqlParameterCollection> bind, int limit, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"SELECT {Columns} FROM {_schema}.backfills WHERE {where} ORDER BY created_at DESC, backfill_id LIMIT @limit");
        bind(command.Parameters);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = new RunColumns(reader);
        var list = new List<Backfill>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var parameters = columns.NullableString("parameters");
            list.Add(new Backfill
            {
                BackfillId = columns.Guid("backfill_id"),
                Kind = columns.String("kind") == "catchup" ? BackfillKind.CatchUp : BackfillKind.Backfill,
                Mart = columns.String("mart"),
                From = columns.Time("from_date"),
                To = columns.Time("to_date"),
                MaxConcurrent = columns.Int("max_concurrent"),
                Rerun = Enum.Parse<BackfillRerun>(columns.String("rerun")),
                Downstream = columns.Bool("downstream"),
                Parameters = parameters is null
                    ? new Dictionary<string, string>(StringComparer.Ordinal)
                    : JsonSerializer.Deserialize<Dictionary<string, string>>(parameters, RunJson.Options) ?? [],
                Status = Enum.Parse<BackfillStatus>(columns.String("status")),
                CreatedAt = columns.Time("created_at"),
                CreatedBy = columns.NullableString("created_by"),
                CancelledAt = columns.NullableTime("cancelled_at"),
                CancelledBy = columns.NullableString("cancelled_by"),
                CompletedAt = columns.NullableTime("completed_at"),
            });
        }

        return list;
    }

    /// <summary>A transaction holding an advisory lock; disposing it (commit or connection loss) releases the lock.</summary>
    private sealed class HeldLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await transaction.CommitAsync().ConfigureAwait(false);
            }
            finally
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
