using System.Globalization;
using Microsoft.Extensions.Options;
using Scheduler.Marts;

namespace Scheduler.Configuration;

/// <summary>
/// Collects every problem an options validator finds (key, value, expectation) so start-up and <c>validate</c> list
/// them all at once rather than the first.
/// </summary>
internal sealed class OptionsProblems
{
    private readonly List<ConfigurationProblem> _problems = [];

    /// <summary>The problems found so far.</summary>
    public IReadOnlyList<ConfigurationProblem> Problems => _problems;

    /// <summary>Adds a problem.</summary>
    public void Add(string key, string? value, string expected) => _problems.Add(new ConfigurationProblem(key, value, expected));

    /// <summary>Adds problems found elsewhere.</summary>
    public void AddRange(IEnumerable<ConfigurationProblem> problems) => _problems.AddRange(problems);

    /// <summary>Adds a problem unless <paramref name="value"/> is within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public void InRange(string key, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            Add(key, value.ToString("c", CultureInfo.InvariantCulture),
                $"a duration from {min.ToString("c", CultureInfo.InvariantCulture)} to {max.ToString("c", CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>Adds a problem unless <paramref name="value"/> is within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public void InRange(string key, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            Add(key, value.ToString(CultureInfo.InvariantCulture), $"a whole number from {min} to {max}");
        }
    }

    /// <summary>Success, or a failure with one line per problem (the problems kept, for <see cref="ConfigurationChecks"/>).</summary>
    public ValidateOptionsResult ToResult() => ConfigurationValidationResult.From([.. _problems]);
}
