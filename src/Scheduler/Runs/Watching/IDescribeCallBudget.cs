namespace Scheduler.Runs.Watching;

/// <summary>
/// The DescribeStatement rate budget shared by every scheduler instance: each call waits for one token of the current
/// second, so all instances together never make more than the configured calls in any second.
/// </summary>
internal interface IDescribeCallBudget
{
    /// <summary>Waits until one more DescribeStatement call fits in the budget of the current second.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    ValueTask AcquireAsync(CancellationToken cancellationToken);
}
