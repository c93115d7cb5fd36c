using Microsoft.Extensions.Options;
using Scheduler.Marts;

namespace Scheduler.Configuration;

/// <summary>
/// A <see cref="ValidateOptionsResult"/> that keeps its problems as <see cref="ConfigurationProblem"/>s (key, value,
/// expectation), so <see cref="ConfigurationChecks"/> can list them as such; the options framework sees one failure
/// line per problem.
/// </summary>
internal sealed class ConfigurationValidationResult : ValidateOptionsResult
{
    private ConfigurationValidationResult(IReadOnlyList<ConfigurationProblem> problems)
    {
        Problems = problems;
        if (problems.Count == 0)
        {
            Succeeded = true;
        }
        else
        {
            Failed = true;
            Failures = [.. problems.Select(p => p.ToString())];
            FailureMessage = string.Join("; ", Failures);
        }
    }

    /// <summary>Every problem found; empty on success.</summary>
    public IReadOnlyList<ConfigurationProblem> Problems { get; }

    /// <summary>Success when <paramref name="problems"/> is empty, else a failure listing each.</summary>
    public static ConfigurationValidationResult From(IReadOnlyList<ConfigurationProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return new ConfigurationValidationResult(problems);
    }
}
