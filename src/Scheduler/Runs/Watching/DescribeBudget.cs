using Scheduler.Redshift.Limits;

namespace Scheduler.Runs.Watching;

/// <summary>The watcher's <see cref="IDescribeCallBudget"/>: the DescribeStatement bucket of the shared <see cref="PostgresCallBudget"/>.</summary>
internal sealed class DescribeBudget(PostgresCallBudget budget) : IDescribeCallBudget
{
    public ValueTask AcquireAsync(CancellationToken cancellationToken) => budget.Describe.AcquireAsync(cancellationToken);
}
