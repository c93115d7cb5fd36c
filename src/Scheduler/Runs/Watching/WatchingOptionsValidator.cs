using Microsoft.Extensions.Options;
using Scheduler.Configuration;

namespace Scheduler.Runs.Watching;

/// <summary>Checks every <c>Watching:*</c> value and lists all problems at once.</summary>
internal sealed class WatchingOptionsValidator : IValidateOptions<WatchingOptions>
{
    public ValidateOptionsResult Validate(string? name, WatchingOptions options)
    {
        var problems = new OptionsProblems();
        problems.InRange("Watching:DescribeCallsPerSecond", options.DescribeCallsPerSecond, 1, 10_000);
        problems.InRange("Watching:BudgetClaimBatch", options.BudgetClaimBatch, 1, 10_000);
        problems.InRange("Watching:MaxConcurrentLongPolls", options.MaxConcurrentLongPolls, 1, 100_000);
        problems.InRange("Watching:WaitTimeSeconds", options.WaitTimeSeconds, 1, 30);
        problems.InRange("Watching:RefreshInterval", options.RefreshInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        problems.InRange("Watching:ErrorBackoff", options.ErrorBackoff, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1));
        return problems.ToResult();
    }
}
