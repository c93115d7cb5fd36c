using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Scheduler.Runs.Watching;

/// <summary>
/// The watcher's view of the run ledger: every active run with a checkpointed statement id, and how long the mart's
/// recent successful runs took (the median of the last five), which ranks statements when the budget is short.
/// </summary>
internal sealed class LedgerActiveStatementSource(
    [FromKeyedServices(RunLedger.DataSourceKey)] NpgsqlDataSource dataSource,
    RunLedger ledger,
    IOptions<RunsOptions> options) : IActiveStatementSource
{
    private readonly string _table = $"{options.Value.Schema}.runs";

    public async Task<IReadOnlyCollection<ActiveStatement>> GetActiveStatementsAsync(CancellationToken cancellationToken)
    {
        await ledger.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT r.run_id, r.statement_id, coalesce(r.submitted_at, r.created_at), h.expected_seconds
              FROM {_table} r
              LEFT JOIN LATERAL (
                   SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY recent.seconds) AS expected_seconds
                     FROM (SELECT extract(epoch FROM p.statement_finished_at - p.submitted_at)::float8 AS seconds
                             FROM {_table} p
                            WHERE p.mart = r.mart AND p.status = 'Succeeded'
                              AND p.submitted_at IS NOT NULL AND p.statement_finished_at IS NOT NULL
                            ORDER BY p.created_at DESC
                            LIMIT 5) recent) h ON true
             WHERE r.status IN {RunLedger.ActiveStatuses} AND r.statement_id IS NOT NULL
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var list = new List<ActiveStatement>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new ActiveStatement(
                reader.GetGuid(0).ToString("D"),
                reader.GetString(1),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : TimeSpan.FromSeconds(reader.GetDouble(3))));
        }

        return list;
    }
}
