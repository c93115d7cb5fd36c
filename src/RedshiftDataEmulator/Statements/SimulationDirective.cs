using System.Globalization;
using System.Text.RegularExpressions;

namespace RedshiftDataEmulator.Statements;

/// <summary>
/// <c>/* emulator: sleep=SECONDS [fail="message"] */</c> at the start of a statement: the statement is not sent to
/// PostgreSQL; it takes SECONDS (fractions allowed) and then finishes, or fails with the message.
/// </summary>
internal sealed partial record SimulationDirective(TimeSpan Sleep, string? Failure)
{
    [GeneratedRegex(@"^\s*/\*\s*emulator:(?<body>.*?)\*/", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex DirectiveRegex();

    [GeneratedRegex(@"\G\s*(?:sleep=(?<sleep>[0-9]+(?:\.[0-9]+)?|\.[0-9]+)|fail=""(?<fail>(?:[^""\\]|\\.)*)"")\s*", RegexOptions.CultureInvariant)]
    private static partial Regex OptionRegex();

    /// <summary>Null when the SQL does not start with an emulator comment.</summary>
    /// <exception cref="FormatException">The comment is there but malformed.</exception>
    public static SimulationDirective? Parse(string sql)
    {
        var match = DirectiveRegex().Match(sql);
        if (!match.Success)
        {
            return null;
        }

        var body = match.Groups["body"].Value;
        TimeSpan? sleep = null;
        string? failure = null;
        var position = 0;
        while (position < body.Length && !string.IsNullOrWhiteSpace(body[position..]))
        {
            var option = OptionRegex().Match(body, position);
            if (!option.Success || option.Length == 0)
            {
                throw new FormatException(
                    $"Malformed emulator directive '/* emulator:{body}*/' at '{body[position..].Trim()}': expected sleep=SECONDS and optionally fail=\"message\".");
            }

            if (option.Groups["sleep"].Success)
            {
                sleep = TimeSpan.FromSeconds(double.Parse(option.Groups["sleep"].Value, CultureInfo.InvariantCulture));
            }
            else
            {
                failure = Regex.Unescape(option.Groups["fail"].Value);
            }

            position += option.Length;
        }

        if (sleep is null)
        {
            throw new FormatException($"Emulator directive '/* emulator:{body}*/' has no sleep=SECONDS.");
        }

        return new SimulationDirective(sleep.Value, failure);
    }
}
