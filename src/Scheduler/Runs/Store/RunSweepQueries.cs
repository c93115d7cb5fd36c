using Scheduler.Runs.Lifecycle;
using Scheduler.Database;

namespace Scheduler.Runs.Store;

/// <summary>
/// The run ledger's reads for the background passes: recovery's overdue runs and due retries, the dependency sweep's
/// unhandled runs, the queue dispatcher's waiting slots, the watcher's statements, and what backfills and catch-up ask
/// of the runs they started. Pages and the API read through <see cref="IRunQueries"/>; only <see cref="RunLifecycle"/>
/// writes (<see cref="RunStore"/>).
/// </summary>
internal sealed class RunSweepQueries
{
    private readonly RunRows _rows;

    /// <summary>Creates the read model on the service's database.</summary>
    public RunSweepQueries(SchedulerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _rows = new RunRows(database);
    }

    /// <summary>Active runs whose next step was due before <paramref name="dueBefore"/>: their job was probably lost.</summary>
    internal Task<List<RunRecord>> ListOverdueAsync(DateTimeOffset dueBefore, int limit, CancellationToken cancellationToken) =>
        _rows.QueryAsync(
            $"""
            SELECT {RunRows.Columns} FROM {_rows.Table}
            WHERE status IN {RunRows.StartedList} AND coalesce(next_poll_at, updated_at) < @due
            ORDER BY coalesce(next_poll_at, updated_at)
            LIMIT @limit
            """,
            RunRows.ReadRecord,
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
        _rows.QueryAsync(
            $"""
            SELECT {RunRows.Columns} FROM {_rows.Table}
            WHERE downstream AND propagated_at IS NULL AND status NOT IN {RunRows.ActiveList}
              AND completed_at >= @after AND completed_at < @before
            ORDER BY completed_at
            LIMIT @limit
            """,
            RunRows.ReadRecord,
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
        _rows.QueryAsync(
            $"""
            SELECT {RunRows.Columns} FROM {_rows.Table} r
            WHERE r.retry_at IS NOT NULL AND r.retry_at < @due
              AND NOT EXISTS (SELECT 1 FROM {_rows.Table} n WHERE n.trigger_key = 'retry:' || r.run_id::text)
            ORDER BY r.retry_at
            LIMIT @limit
            """,
            RunRows.ReadRecord,
            command =>
            {
                command.Parameters.AddWithValue("due", dueBefore);
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken);

    /// <summary>The slot keys that have Queued runs which may be given a slot at <paramref name="now"/>.</summary>
    internal Task<List<string>> ListQueuedSlotKeysAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        _rows.QueryAsync(
            $"""
            SELECT DISTINCT slot_key FROM {_rows.Table}
             WHERE status = '{RunStatus.Queued}' AND slot_key IS NOT NULL AND coalesce(next_poll_at, created_at) <= @now
            """,
            c => c.String("slot_key"),
            command => command.Parameters.AddWithValue("now", now),
            cancellationToken);

    /// <summary>Queued runs whose deadline has passed at <paramref name="now"/>.</summary>
    internal Task<List<Guid>> ListQueuedPastDeadlineAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        _rows.QueryAsync(
            $"SELECT run_id FROM {_rows.Table} WHERE status = '{RunStatus.Queued}' AND deadline_at <= @now ORDER BY deadline_at LIMIT @limit",
            c => c.Guid("run_id"),
            command =>
            {
                command.Parameters.AddWithValue("now", now);
                command.Parameters.AddWithValue("limit", limit);
            },
            cancellationToken);

    /// <summary>
    /// Every active run with a statement id, with how long its mart's recent successful runs took (median of the last
    /// five), for the watcher.
    /// </summary>
    internal Task<List<(Guid RunId, string StatementId, DateTimeOffset SubmittedAt, TimeSpan? Expected)>> ListWatchableAsync(
        CancellationToken cancellationToken) =>
        _rows.QueryAsync(
            $"""
            SELECT r.run_id, r.statement_id, coalesce(r.submitted_at, r.created_at) AS submitted_at, h.expected_seconds
              FROM {_rows.Table} r
              LEFT JOIN LATERAL (
                   SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY recent.seconds) AS expected_seconds
                     FROM (SELECT extract(epoch FROM p.statement_finished_at - p.submitted_at)::float8 AS seconds
                             FROM {_rows.Table} p
                            WHERE p.mart = r.mart AND p.status = '{RunStatus.Succeeded}'
                              AND p.submitted_at IS NOT NULL AND p.statement_finished_at IS NOT NULL
                            ORDER BY p.created_at DESC
                            LIMIT 5) recent) h ON true
             WHERE r.status IN {RunRows.ActiveList} AND r.statement_id IS NOT NULL
            """,
            c => (c.Guid("run_id"), c.String("statement_id"), c.Time("submitted_at"),
                c.NullableDouble("expected_seconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null),
            _ => { },
            cancellationToken);

    /// <summary>
    /// For each run, the last run of its retry chain (the run itself when it was not retried): its id, status and
    /// <c>retry_at</c> (set when a further retry is due). A backfill's date is over when that run ended with no retry due.
    /// </summary>
    internal async Task<Dictionary<Guid, (Guid RunId, RunStatus Status, DateTimeOffset? RetryAt)>> GetLatestAttemptsAsync(
        IReadOnlyCollection<Guid> runIds, CancellationToken cancellationToken)
    {
        if (runIds.Count == 0)
        {
            return [];
        }

        var rows = await _rows.QueryAsync(
            $"""
            WITH RECURSIVE chain AS (
                SELECT r.run_id AS origin, r.run_id, r.status, r.retry_at, 0 AS depth FROM {_rows.Table} r WHERE r.run_id = ANY(@ids)
                UNION ALL
                SELECT c.origin, r.run_id, r.status, r.retry_at, c.depth + 1
                  FROM chain c JOIN {_rows.Table} r ON r.retry_of = c.run_id
                 WHERE c.depth < 100)
            SELECT DISTINCT ON (origin) origin, run_id, status, retry_at FROM chain ORDER BY origin, depth DESC
            """,
            c => (Origin: c.Guid("origin"), Latest: (c.Guid("run_id"), Enum.Parse<RunStatus>(c.String("status")), c.NullableTime("retry_at"))),
            command => command.Parameters.AddWithValue("ids", runIds.ToArray()),
            cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(row => row.Origin, row => row.Latest);
    }

    /// <summary>
    /// For each of <paramref name="dates"/>: the mart's latest run for it that was not Skipped (what a backfill's rerun
    /// choice decides on).
    /// </summary>
    internal async Task<Dictionary<DateTimeOffset, (Guid RunId, RunStatus Status)>> GetLatestRunsAsync(
        string mart, IReadOnlyList<DateTimeOffset> dates, CancellationToken cancellationToken)
    {
        var rows = await _rows.QueryAsync(
            $"""
            SELECT DISTINCT ON (logical_date) logical_date, run_id, status FROM {_rows.Table}
             WHERE mart = @mart AND logical_date = ANY(@dates) AND status <> '{RunStatus.Skipped}'
             ORDER BY logical_date, created_at DESC, run_id DESC
            """,
            c => (Date: c.Time("logical_date"), Latest: (c.Guid("run_id"), Enum.Parse<RunStatus>(c.String("status")))),
            command =>
            {
                command.Parameters.AddWithValue("mart", mart);
                command.Parameters.AddWithValue("dates", dates.Select(d => d.ToUniversalTime()).ToArray());
            },
            cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(row => row.Date, row => row.Latest);
    }

    /// <summary>Which of <paramref name="keys"/> some run already has (catch-up's slots that did run).</summary>
    internal async Task<HashSet<string>> GetUsedTriggerKeysAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var used = await _rows.QueryAsync(
            $"SELECT trigger_key FROM {_rows.Table} WHERE trigger_key = ANY(@keys)",
            c => c.String("trigger_key"),
            command => command.Parameters.AddWithValue("keys", keys.ToArray()),
            cancellationToken).ConfigureAwait(false);
        return used.ToHashSet(StringComparer.Ordinal);
    }
}
