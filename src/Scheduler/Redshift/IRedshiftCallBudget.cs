namespace Scheduler.Redshift;

/// <summary>
/// A rate budget for Data API calls, shared by every instance: a stage of the client's HTTP pipeline
/// (<see cref="RedshiftCallBudgetHandler"/>) takes one token per HTTP attempt, retries included.
/// </summary>
internal interface IRedshiftCallBudget
{
    /// <summary>Waits until one more call of <paramref name="operation"/> (e.g. <c>DescribeStatement</c>) fits in the budget.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    ValueTask AcquireAsync(string operation, CancellationToken cancellationToken);
}
