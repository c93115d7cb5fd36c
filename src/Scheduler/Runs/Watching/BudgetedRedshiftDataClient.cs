using Scheduler.Redshift;
using Scheduler.Redshift.Model;

namespace Scheduler.Runs.Watching;

/// <summary>
/// Wraps the Data API client so that every DescribeStatement, from any caller (the backstop poll jobs included), first
/// takes a token of the shared <see cref="IDescribeCallBudget"/>. Other operations pass straight through.
/// </summary>
public sealed class BudgetedRedshiftDataClient(IRedshiftDataClient inner, IDescribeCallBudget budget) : IRedshiftDataClient
{
    /// <summary>The wrapped client, for callers that took their budget token themselves (the watcher).</summary>
    public IRedshiftDataClient Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <inheritdoc />
    public async Task<DescribeStatementResponse> DescribeStatementAsync(DescribeStatementRequest request, CancellationToken cancellationToken = default)
    {
        await budget.AcquireAsync(cancellationToken).ConfigureAwait(false);
        return await Inner.DescribeStatementAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<BatchExecuteStatementResponse> BatchExecuteStatementAsync(BatchExecuteStatementRequest request, CancellationToken cancellationToken = default) =>
        Inner.BatchExecuteStatementAsync(request, cancellationToken);

    /// <inheritdoc />
    public Task<ExecuteStatementResponse> ExecuteStatementAsync(ExecuteStatementRequest request, CancellationToken cancellationToken = default) =>
        Inner.ExecuteStatementAsync(request, cancellationToken);

    /// <inheritdoc />
    public Task<CancelStatementResponse> CancelStatementAsync(CancelStatementRequest request, CancellationToken cancellationToken = default) =>
        Inner.CancelStatementAsync(request, cancellationToken);

    /// <inheritdoc />
    public Task<ListStatementsResponse> ListStatementsAsync(ListStatementsRequest request, CancellationToken cancellationToken = default) =>
        Inner.ListStatementsAsync(request, cancellationToken);

    /// <inheritdoc />
    public Task<GetStatementResultResponse> GetStatementResultAsync(GetStatementResultRequest request, CancellationToken cancellationToken = default) =>
        Inner.GetStatementResultAsync(request, cancellationToken);
}
