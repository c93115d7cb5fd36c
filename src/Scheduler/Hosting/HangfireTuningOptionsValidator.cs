using Microsoft.Extensions.Options;
using Scheduler.Configuration;

namespace Scheduler.Hosting;

/// <summary>Checks every <c>Hangfire:*</c> value and lists all problems at once.</summary>
internal sealed class HangfireTuningOptionsValidator : IValidateOptions<HangfireTuningOptions>
{
    public ValidateOptionsResult Validate(string? name, HangfireTuningOptions options)
    {
        var problems = new OptionsProblems();
        problems.InRange("Hangfire:SchedulePollingInterval", options.SchedulePollingInterval, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        problems.InRange("Hangfire:QueuePollInterval", options.QueuePollInterval, TimeSpan.FromMilliseconds(50), TimeSpan.FromMinutes(1));
        problems.InRange("Hangfire:InvisibilityTimeout", options.InvisibilityTimeout, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));
        problems.InRange("Hangfire:DistributedLockTimeout", options.DistributedLockTimeout, TimeSpan.FromSeconds(10), TimeSpan.FromHours(1));
        problems.InRange("Hangfire:JobExpirationCheckInterval", options.JobExpirationCheckInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1));
        if (options.WorkerCount is { } workers)
        {
            problems.InRange("Hangfire:WorkerCount", workers, 1, 1000);
        }

        return problems.ToResult();
    }
}
