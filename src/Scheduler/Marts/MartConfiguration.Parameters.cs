using Microsoft.Extensions.Configuration;
using Scheduler.Configuration;
using Scheduler.Marts.Parameters;

namespace Scheduler.Marts;

/// <content><c>Parameters</c>: the named SQL parameters' defaults, and their use by the statements.</content>
internal static partial class MartConfiguration
{
    private static Dictionary<string, string> ReadParameters(IConfiguration section, string prefix, List<ConfigurationProblem> problems)
    {
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var child in section.GetSection("Parameters").GetChildren())
        {
            var key = $"{prefix}:Parameters:{child.Key}";
            if (child.GetChildren().Any())
            {
                problems.Add(new(key, null, "a string value (a parameter is one name and one value)"));
            }
            else if (!MartParameters.IsValidName(child.Key))
            {
                problems.Add(new(key, child.Value, "a parameter name of letters, digits and '_', starting with a letter or '_' (as used in the SQL: :name)"));
            }
            else if (MartParameters.BuiltIn.Contains(child.Key))
            {
                problems.Add(new(key, child.Value, $"a name other than the built-in ones ({string.Join(", ", MartParameters.BuiltIn)}), which follow the run's logical date"));
            }
            else if (MartParameters.CheckValue(child.Value) is { } expected)
            {
                problems.Add(new(key, child.Value, expected));
            }
            else
            {
                parameters[child.Key] = child.Value!;
            }
        }

        return parameters;
    }

    /// <summary>Every parameter the SQL uses has a value, and every default is used: either mistake is a typo.</summary>
    private static void CheckParameterUse(
        List<IReadOnlyList<string>> statementParameters, Dictionary<string, string> parameters, string prefix, List<ConfigurationProblem> problems)
    {
        if (statementParameters.Count == 0)
        {
            return; // the SQL was not read (or is invalid, which is reported already)
        }

        for (var index = 0; index < statementParameters.Count; index++)
        {
            foreach (var name in statementParameters[index])
            {
                if (!MartParameters.BuiltIn.Contains(name) && !parameters.ContainsKey(name))
                {
                    problems.Add(new($"{prefix}:Parameters:{name}", null,
                        $"a value for :{name}, which statement {index + 1} uses (built-in parameters: {string.Join(", ", MartParameters.BuiltIn)})"));
                }
            }
        }

        foreach (var (name, value) in parameters)
        {
            if (!statementParameters.Any(used => used.Contains(name, StringComparer.Ordinal)))
            {
                problems.Add(new($"{prefix}:Parameters:{name}", value, $"a parameter the SQL uses, but no statement uses :{name}"));
            }
        }
    }
}
