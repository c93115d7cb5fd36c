using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Scheduler.Configuration;

namespace Scheduler.Marts;

/// <content>Reading single values: whole numbers and TimeSpans within bounds, key paths, names.</content>
internal static partial class MartConfiguration
{
    private static int? ReadInt(IConfiguration section, string key, int defaultValue, int min, int max, string prefix, List<ConfigurationProblem> problems)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            problems.Add(new($"{prefix}:{key}", text, $"a whole number from {min} to {max} (default {defaultValue})"));
            return null;
        }

        return value;
    }

    private static TimeSpan? ReadTimeSpan(
        IConfiguration section, string key, TimeSpan defaultValue, TimeSpan min, TimeSpan max, string expected,
        string prefix, List<ConfigurationProblem> problems)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        if (!TimeSpan.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value))
        {
            problems.Add(new($"{prefix}:{key}", text, $"a TimeSpan such as 00:30:00, {expected}"));
            return null;
        }

        if (value < min || value > max)
        {
            problems.Add(new($"{prefix}:{key}", text, expected));
            return null;
        }

        return value;
    }

    private static IEnumerable<string> Flatten(IConfiguration section, string path)
    {
        foreach (var child in section.GetChildren())
        {
            var childPath = path.Length == 0 ? child.Key : $"{path}:{child.Key}";
            yield return childPath;
            foreach (var grandChild in Flatten(child, childPath))
            {
                yield return grandChild;
            }
        }
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeName();
}
