using Microsoft.Extensions.Options;
using Scheduler.Configuration;

namespace Scheduler.Redshift.Limits;

/// <summary>Checks the <c>Redshift:MaxActiveStatements</c>, <c>Redshift:Targets:*</c> and <c>Redshift:Budget:*</c> values, all problems at once.</summary>
internal sealed class RedshiftLimitsOptionsValidator : IValidateOptions<RedshiftLimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, RedshiftLimitsOptions options)
    {
        var problems = new OptionsProblems();
        problems.InRange("Redshift:MaxActiveStatements", options.MaxActiveStatements, 0, 10_000);
        foreach (var (target, limits) in options.Targets)
        {
            if (limits.MaxActiveStatements is { } max)
            {
                problems.InRange($"Redshift:Targets:{target}:MaxActiveStatements", max, 0, 10_000);
            }
        }

        var budget = options.Budget;
        problems.InRange("Redshift:Budget:Submit", budget.Submit, 1, 10_000);
        if (budget.DescribeStatement is { } describe)
        {
            problems.InRange("Redshift:Budget:DescribeStatement", describe, 1, 10_000);
        }

        problems.InRange("Redshift:Budget:CancelStatement", budget.CancelStatement, 1, 10_000);
        problems.InRange("Redshift:Budget:ListStatements", budget.ListStatements, 1, 10_000);
        problems.InRange("Redshift:Budget:GetStatementResult", budget.GetStatementResult, 1, 10_000);
        if (budget.ClaimBatch is { } batch)
        {
            problems.InRange("Redshift:Budget:ClaimBatch", batch, 1, 10_000);
        }

        problems.InRange("Redshift:QueueSweepInterval", options.QueueSweepInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        return problems.ToResult();
    }
}
