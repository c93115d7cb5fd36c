using System.Globalization;
using System.Text.RegularExpressions;
using Scheduler.Marts.Calendar;
using Scheduler.Redshift.Model;
using Scheduler.Sql;

namespace Scheduler.Marts.Parameters;

/// <summary>
/// A run's SQL parameters: the built-in ones (<c>:run_date</c>, <c>:logical_ts</c>, <c>:interval_start</c>,
/// <c>:interval_end</c>), the mart's defaults (<c>Marts:&lt;name&gt;:Parameters:&lt;param&gt;</c>) and a run's overrides.
/// They reach Redshift as the Data API's <c>Parameters</c>, bound by the service: never spliced into the SQL text.
/// </summary>
internal static partial class MartParameters
{
    /// <summary><c>yyyy-MM-dd</c>: the logical date's calendar date in the mart's time zone.</summary>
    public const string RunDate = "run_date";

    /// <summary>The logical date, ISO 8601 in UTC (<c>2026-12-01T02:30:00Z</c>).</summary>
    public const string LogicalTimestamp = "logical_ts";

    /// <summary>The start of the run's data interval, ISO 8601 in UTC.</summary>
    public const string IntervalStart = "interval_start";

    /// <summary>The end of the run's data interval (exclusive), ISO 8601 in UTC.</summary>
    public const string IntervalEnd = "interval_end";

    /// <summary>The longest value a default or an override may have.</summary>
    public const int MaxValueLength = 10_000;

    /// <summary>The built-in parameter names, which a mart or a run cannot set.</summary>
    public static IReadOnlySet<string> BuiltIn { get; } = new HashSet<string>(StringComparer.Ordinal) { RunDate, LogicalTimestamp, IntervalStart, IntervalEnd };

    /// <summary>True when <paramref name="name"/> can be a parameter the SQL uses (<c>:name</c>).</summary>
    public static bool IsValidName(string name) => ValidName().IsMatch(name);

    /// <summary>Formats a time as the built-in timestamp parameters carry it.</summary>
    public static string FormatTimestamp(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// Every value a run of <paramref name="mart"/> for <paramref name="logicalDate"/> has: built-ins, then the mart's
    /// defaults, then <paramref name="overrides"/> (checked with <see cref="CheckOverrides"/> first).
    /// </summary>
    public static SortedDictionary<string, string> Resolve(
        MartDefinition mart, DateTimeOffset logicalDate, (DateTimeOffset Start, DateTimeOffset End) interval,
        IReadOnlyDictionary<string, string>? overrides)
    {
        ArgumentNullException.ThrowIfNull(mart);
        var values = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [RunDate] = MartCalendar.RunDate(mart, logicalDate),
            [LogicalTimestamp] = FormatTimestamp(logicalDate),
            [IntervalStart] = FormatTimestamp(interval.Start),
            [IntervalEnd] = FormatTimestamp(interval.End),
        };
        foreach (var (name, value) in mart.Parameters)
        {
            values[name] = value;
        }

        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            values[name] = value;
        }

        return values;
    }

    /// <summary>
    /// What is wrong with a run's overrides, each as (<c>parameters.&lt;name&gt;</c>, what was expected): a name the mart
    /// has no default for (every parameter its SQL uses has one), a built-in, or an empty or too long value.
    /// </summary>
    public static List<(string Field, string Problem)> CheckOverrides(MartDefinition mart, IReadOnlyDictionary<string, string>? overrides)
    {
        ArgumentNullException.ThrowIfNull(mart);
        var problems = new List<(string, string)>();
        foreach (var (name, value) in overrides ?? new Dictionary<string, string>())
        {
            var field = $"parameters.{name}";
            if (BuiltIn.Contains(name))
            {
                problems.Add((field, $"'{name}' is built in and follows the logical date: set logicalDate instead"));
            }
            else if (!mart.Parameters.ContainsKey(name))
            {
                var known = mart.Parameters.Count == 0 ? "it has none besides the built-in ones" : "it has: " + string.Join(", ", mart.Parameters.Keys);
                problems.Add((field, $"a parameter of mart '{mart.Name}' ({known})"));
            }
            else if (CheckValue(value) is { } problem)
            {
                problems.Add((field, problem));
            }
        }

        return problems;
    }

    /// <summary>Null when <paramref name="value"/> can be a parameter value; otherwise what was expected.</summary>
    public static string? CheckValue(string? value) => value switch
    {
        null or "" => "a non-empty string (the Data API refuses empty parameter values)",
        { Length: > MaxValueLength } => $"a string of at most {MaxValueLength} characters",
        _ => null,
    };

    /// <summary>
    /// The parameters <paramref name="statements"/> use, with their values, as sent to the Data API (which refuses a
    /// parameter no statement uses); throws when a statement uses one without a value.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A statement uses a parameter <paramref name="values"/> lacks (the message says which).</exception>
    public static List<KeyValuePair<string, string>> ForStatements(IReadOnlyList<string> statements, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(statements);
        ArgumentNullException.ThrowIfNull(values);
        var used = new List<KeyValuePair<string, string>>();
        for (var index = 0; index < statements.Count; index++)
        {
            foreach (var name in SqlParameterScanner.Find(statements[index]))
            {
                if (used.Any(p => p.Key == name))
                {
                    continue;
                }

                if (!values.TryGetValue(name, out var value))
                {
                    throw new KeyNotFoundException(
                        $"Statement {index + 1} uses :{name}, which has no value (the run has {string.Join(", ", values.Keys.Select(k => ":" + k))}); " +
                        $"add Marts:<name>:Parameters:{name} or remove it from the SQL.");
                }

                used.Add(new(name, value));
            }
        }

        return used;
    }

    /// <summary>The parameter names one statement uses (<c>:name</c>), in order of first use.</summary>
    public static IReadOnlyList<string> ForStatementsNames(string statement) => SqlParameterScanner.Find(statement);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}
