using Microsoft.Extensions.Options;
using Scheduler.Configuration;

namespace Scheduler.Backfills;

/// <summary>Checks every <c>Backfills:*</c> value and lists all problems at once.</summary>
internal sealed class BackfillOptionsValidator : IValidateOptions<BackfillOptions>
{
    public ValidateOptionsResult Validate(string? name, BackfillOptions options)
    {
        var problems = new OptionsProblems();
        problems.InRange("Backfills:SweepInterval", options.SweepInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        problems.InRange("Backfills:CatchUpInterval", options.CatchUpInterval, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        problems.InRange("Backfills:CatchUpGrace", options.CatchUpGrace, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        return problems.ToResult();
    }
}
