using Microsoft.Extensions.Options;
using Scheduler.Configuration;

namespace Scheduler.Runs;

/// <summary>Checks every <c>Runs:*</c> value and lists all problems at once.</summary>
internal sealed class RunsOptionsValidator : IValidateOptions<RunsOptions>
{
    public ValidateOptionsResult Validate(string? name, RunsOptions options)
    {
        var problems = new OptionsProblems();
        problems.InRange("Runs:RecoveryInterval", options.RecoveryInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        problems.InRange("Runs:RecoveryGrace", options.RecoveryGrace, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        problems.InRange("Runs:CancelGrace", options.CancelGrace, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        problems.InRange("Runs:ClientTokenWindow", options.ClientTokenWindow, TimeSpan.FromSeconds(1), TimeSpan.FromHours(8));
        problems.InRange("Runs:SubmitLease", options.SubmitLease, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));
        problems.InRange("Runs:MaxRetryDelay", options.MaxRetryDelay, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        problems.InRange("Runs:JobRetention", options.JobRetention, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30));
        problems.InRange("Runs:FailedJobRetention", options.FailedJobRetention, TimeSpan.FromMinutes(1), TimeSpan.FromDays(365));
        problems.InRange("Runs:Retention", options.Retention, TimeSpan.FromHours(1), TimeSpan.FromDays(3650));
        problems.InRange("Runs:SkippedRetention", options.SkippedRetention, TimeSpan.FromHours(1), TimeSpan.FromDays(3650));
        problems.InRange("Runs:PurgeBatchSize", options.PurgeBatchSize, 1, 1_000_000);
        return problems.ToResult();
    }
}
