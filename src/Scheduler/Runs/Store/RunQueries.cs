using Npgsql;
using NpgsqlTypes;
using Scheduler.Database;

namespace Scheduler.Runs.Store;

/// <summary>The run ledger's reads for pages, the API and single-run lookups, on PostgreSQL.</summary>
internal sealed class RunQueries : IRunQueries
{
    private readonly RunRows _rows;

    /// <summary>Creates the read model on the service's database.</summary>
    public RunQueries(SchedulerDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        _rows = new RunRows(database);
    }

    /// <inheritdoc />
    public Task<RunRecord?> GetAsync(Guid runId, CancellationToken cancellationToken) => _rows.GetAsync(runId, null, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunSummary>> ListAsync(string? mart, RunStatus? status, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        return await _rows.QueryAsync(
            $"""
            SELECT {RunRows.SummaryColumns} FROM {_rows.Table}
            WHERE (@mart::text IS NULL OR mart = @mart) AND (@status::text IS NULL OR status = @status)
            ORDER BY created_at DESC, run_id DESC
            LIMIT @limit
            """,
            RunRows.ReadSummary,
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
        var runs = await _rows.QueryAsync(
            $"""
            SELECT last.* FROM unnest(@marts::text[]) AS m(name)
            CROSS JOIN LATERAL (
                SELECT {RunRows.SummaryColumns} FROM {_rows.Table} r WHERE r.mart = m.name ORDER BY r.created_at DESC, r.run_id DESC LIMIT 1) last
            """,
            RunRows.ReadSummary,
            command => command.Parameters.AddWithValue("marts", marts.Distinct(StringComparer.Ordinal).ToArray()),
            cancellationToken).ConfigureAwait(false);
        return runs.ToDictionary(run => run.Mart, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public async Task<RunRecord?> GetActiveAsync(string mart, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mart);
        var runs = await _rows.QueryAsync($"SELECT {RunRows.Columns} FROM {_rows.Table} WHERE mart = @mart AND status IN {RunRows.ActiveList}",
            RunRows.ReadRecord, command => command.Parameters.AddWithValue("mart", mart), cancellationToken).ConfigureAwait(false);
        return runs.Count == 0 ? null : runs[0];
    }

    /// <inheritdoc />
    public async Task<RunSummary?> GetLatestSucceededAsync(string mart, DateTimeOffset logicalDate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mart);
        var runs = await _rows.QueryAsync(
            $"""
            SELECT {RunRows.SummaryColumns} FROM {_rows.Table}
            WHERE mart = @mart AND logical_date = @logical AND status = '{RunStatus.Succeeded}'
            ORDER BY created_at DESC, run_id DESC
            LIMIT 1
            """,
            RunRows.ReadSummary,
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
        await _rows.QueryAsync(
            $"SELECT {RunRows.SummaryColumns} FROM {_rows.Table} WHERE upstream_run_ids @> ARRAY[@id]::uuid[] ORDER BY created_at, run_id LIMIT 100",
            RunRows.ReadSummary,
            command => command.Parameters.AddWithValue("id", runId),
            cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public Task<RunRecord?> GetByTriggerKeyAsync(string triggerKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(triggerKey);
        return _rows.GetByTriggerKeyAsync(triggerKey, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<Guid, RunSummary>> GetSummariesAsync(IReadOnlyCollection<Guid> runIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runIds);
        if (runIds.Count == 0)
        {
            return new Dictionary<Guid, RunSummary>();
        }

        var runs = await _rows.QueryAsync(
            $"SELECT {RunRows.SummaryColumns} FROM {_rows.Table} WHERE run_id = ANY(@ids)",
            RunRows.ReadSummary,
            command => command.Parameters.AddWithValue("ids", runIds.ToArray()),
            cancellationToken).ConfigureAwait(false);
        return runs.ToDictionary(run => run.RunId);
    }
}
