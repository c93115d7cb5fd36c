using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Scheduler.Configuration;

namespace Scheduler.Marts;

/// <content>What happens to a mart's runs: <c>Retry:*</c> after a failure and <c>CatchUp</c> after downtime.</content>
internal static partial class MartConfiguration
{
    private static MartRetryPolicy? ReadRetry(IConfiguration section, string prefix, List<ConfigurationProblem> problems)
    {
        var attempts = ReadInt(section, "Retry:Attempts", 0, 0, MartRetryPolicy.MaxAttempts, prefix, problems);
        var delay = ReadTimeSpan(section, "Retry:Delay", MartRetryPolicy.DefaultDelay, TimeSpan.FromSeconds(1), MartRetryPolicy.MaxDelay,
            "from 00:00:01 to 01:00:00", prefix, problems);
        var patterns = new List<Regex>();
        foreach (var child in section.GetSection("Retry:OnErrors").GetChildren())
        {
            var key = $"{prefix}:Retry:OnErrors:{child.Key}";
            if (string.IsNullOrWhiteSpace(child.Value))
            {
                problems.Add(new(key, child.Value, "a pattern (a case-insensitive regular expression) matched against Redshift's error"));
                continue;
            }

            try
            {
                patterns.Add(new Regex(child.Value, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)));
            }
            catch (ArgumentException ex)
            {
                problems.Add(new(key, child.Value, $"a valid regular expression: {ex.Message}"));
            }
        }

        if (section["Retry:OnErrors"] is { Length: > 0 } single && patterns.Count == 0)
        {
            problems.Add(new($"{prefix}:Retry:OnErrors", single, "a list of patterns (in JSON: [\"serializable isolation\", \"lock\"])"));
        }

        return attempts is null || delay is null ? null : new MartRetryPolicy(attempts.Value, delay.Value, patterns);
    }

    /// <summary><c>CatchUp</c>: what a missed schedule slot becomes after downtime (names only, not numbers).</summary>
    private static MartCatchUp ReadCatchUp(IConfiguration section, string prefix, List<ConfigurationProblem> problems)
    {
        var catchUp = MartCatchUp.Latest;
        var catchUpText = section["CatchUp"];
        if (!string.IsNullOrWhiteSpace(catchUpText)
            && (!Enum.TryParse(catchUpText.Trim(), ignoreCase: true, out catchUp) || !Enum.IsDefined(catchUp) || int.TryParse(catchUpText, out _)))
        {
            problems.Add(new($"{prefix}:CatchUp", catchUpText, "None, Latest or All"));
            return MartCatchUp.Latest;
        }

        return catchUp;
    }
}
