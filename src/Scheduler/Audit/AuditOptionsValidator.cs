using Microsoft.Extensions.Options;
using Scheduler.Configuration;

namespace Scheduler.Audit;

/// <summary>Checks <c>Audit:*</c>: a retention of at least a day (an audit log that forgets within hours is none).</summary>
internal sealed class AuditOptionsValidator : IValidateOptions<AuditOptions>
{
    public ValidateOptionsResult Validate(string? name, AuditOptions options)
    {
        var problems = new OptionsProblems();
        problems.InRange("Audit:Retention", options.Retention, TimeSpan.FromDays(1), TimeSpan.FromDays(36_500));
        problems.InRange("Audit:PurgeBatchSize", options.PurgeBatchSize, 100, 1_000_000);
        return problems.ToResult();
    }
}
