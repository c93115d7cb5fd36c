using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Scheduler.Marts;

namespace Scheduler.Configuration;

/// <summary>
/// Lists the problems of one options class: builds it as <see cref="IOptions{TOptions}"/> would (binding included) and
/// runs its validators, the same ones <c>ValidateOnStart</c> runs, but returns their problems instead of throwing.
/// </summary>
internal sealed partial class OptionsCheck<TOptions>(
    IEnumerable<IConfigureOptions<TOptions>> setups,
    IEnumerable<IPostConfigureOptions<TOptions>> postConfigures,
    IEnumerable<IValidateOptions<TOptions>> validators,
    IServiceProvider services) : IConfigurationCheck
    where TOptions : class
{
    public IEnumerable<ConfigurationProblem> FindProblems(ConfigurationCheckScope scope)
    {
        TOptions options;
        try
        {
            options = new OptionsFactory<TOptions>(setups, postConfigures).Create(Options.DefaultName);
        }
        catch (InvalidOperationException ex)
        {
            // A value that does not even bind (a TimeSpan that does not parse): the binder stops there, naming the key.
            return [BindingProblem(ex)];
        }

        var problems = new List<ConfigurationProblem>();
        foreach (var validator in validators)
        {
            var result = validator.Validate(Options.DefaultName, options);
            if (result is ConfigurationValidationResult { Failed: true } ours)
            {
                problems.AddRange(ours.Problems);
            }
            else if (result.Failed)
            {
                problems.AddRange((result.Failures ?? [result.FailureMessage]).Select(f => new ConfigurationProblem(typeof(TOptions).Name, null, f)));
            }
        }

        return problems;
    }

    private ConfigurationProblem BindingProblem(InvalidOperationException ex)
    {
        var match = BinderMessage().Match(ex.Message);
        if (!match.Success)
        {
            return new ConfigurationProblem(typeof(TOptions).Name, null, ex.Message);
        }

        var key = match.Groups["key"].Value;
        return new ConfigurationProblem(key, services.GetService<IConfiguration>()?[key], $"a value of type {match.Groups["type"].Value}");
    }

    [GeneratedRegex("at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.CultureInvariant)]
    private static partial Regex BinderMessage();
}
