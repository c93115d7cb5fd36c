using System.Globalization;
using System.Text;

namespace Scheduler.Scheduling;

/// <summary>
/// Puts the common shapes of a Cronos expression into English ("At 03:00, every day", "Every 15 minutes, Monday
/// through Friday"). Shapes it does not know are described field by field, so the result is never wrong, only plainer.
/// </summary>
internal static class CronDescriber
{
    private static readonly string[] s_days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    private static readonly string[] s_dayAbbreviations = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    private static readonly string[] s_months =
        ["", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private static readonly string[] s_monthAbbreviations =
        ["", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

    /// <summary>Describes a 5- or 6-field Cronos expression or macro.</summary>
    public static string Describe(string cron)
    {
        ArgumentNullException.ThrowIfNull(cron);
        var text = cron.Trim();
        switch (text.ToLowerInvariant())
        {
            case "@every_second": return "Every second";
            case "@every_minute": return "Every minute";
            case "@hourly": return "At minute 0 past every hour";
            case "@daily" or "@midnight": return "At 00:00, every day";
            case "@weekly": return "At 00:00, on Sunday";
            case "@monthly": return "At 00:00, on day 1 of the month";
            case "@yearly" or "@annually": return "At 00:00, on day 1 of the month, in January";
        }

        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is not (5 or 6))
        {
            return $"Cron '{text}'";
        }

        var second = fields.Length == 6 ? fields[0] : "0";
        var offset = fields.Length == 6 ? 1 : 0;
        var (minute, hour, dayOfMonth, month, dayOfWeek) = (fields[offset], fields[offset + 1], fields[offset + 2], fields[offset + 3], fields[offset + 4]);

        var time = DescribeTime(second, minute, hour);
        var days = DescribeDays(dayOfMonth, dayOfWeek);
        var months = DescribeMonths(month);
        var result = new StringBuilder(time);
        if (days is not null)
        {
            result.Append(", ").Append(days);
        }

        if (months is not null)
        {
            result.Append(", ").Append(months);
        }

        return result.ToString();
    }

    private static string DescribeTime(string second, string minute, string hour)
    {
        var secondPrefix = second switch
        {
            "0" => "",
            "*" => "Every second, ",
            _ when Step(second) is { } s => $"Every {s} seconds, ",
            _ => $"At second {second}, ",
        };
        var minuteNumber = Number(minute, 59);
        var hourNumbers = List(hour, 23);

        string core;
        if (minuteNumber is { } m && hourNumbers is { Count: > 0 } hours)
        {
            core = "At " + Join(hours.Select(h => Clock(h, m)).ToList());
        }
        else if (minute == "*" && hour == "*")
        {
            core = "Every minute";
        }
        else if (Step(minute) is { } everyMinutes && hour == "*")
        {
            core = $"Every {everyMinutes} minutes";
        }
        else if (minuteNumber is { } m2 && hour == "*")
        {
            core = $"At minute {m2} past every hour";
        }
        else if (minuteNumber is { } m3 && Step(hour) is { } everyHours)
        {
            core = $"At minute {m3} past every {everyHours} hours";
        }
        else if (Step(minute) is { } n && Range(hour, 23) is { } range)
        {
            core = $"Every {n} minutes, between {Clock(range.From, 0)} and {Clock(range.To, 59)}";
        }
        else if (minute == "*" && Range(hour, 23) is { } range2)
        {
            core = $"Every minute, between {Clock(range2.From, 0)} and {Clock(range2.To, 59)}";
        }
        else
        {
            core = $"At minute {minute}, hour {hour}";
        }

        return secondPrefix.Length == 0 ? core : secondPrefix + char.ToLowerInvariant(core[0]) + core[1..];
    }

    private static string? DescribeDays(string dayOfMonth, string dayOfWeek)
    {
        var anyMonthDay = dayOfMonth is "*" or "?";
        var anyWeekDay = dayOfWeek is "*" or "?";
        if (anyMonthDay && anyWeekDay)
        {
            return "every day";
        }

        string? weekDays = null;
        if (!anyWeekDay)
        {
            var normalized = ReplaceNames(dayOfWeek, s_dayAbbreviations, 0);
            weekDays = Range(normalized, 7) is { } range && range.From < range.To
                ? $"{s_days[range.From]} through {s_days[range.To]}"
                : List(normalized, 7) is { } list ? "on " + Join(list.Select(d => s_days[d]).ToList()) : $"on day-of-week {dayOfWeek}";
        }

        string? monthDays = null;
        if (!anyMonthDay)
        {
            monthDays = dayOfMonth.Equals("L", StringComparison.OrdinalIgnoreCase)
                ? "on the last day of the month"
                : List(dayOfMonth, 31) is { } days
                    ? $"on day {Join(days.Select(d => d.ToString(CultureInfo.InvariantCulture)).ToList())} of the month"
                    : $"on day-of-month {dayOfMonth}";
        }

        return (monthDays, weekDays) switch
        {
            (null, _) => weekDays,
            (_, null) => monthDays,
            // Cronos requires both to match (AND), unlike Vixie cron.
            _ => $"{monthDays}, if it is {weekDays!.Replace("on ", "", StringComparison.Ordinal)}",
        };
    }

    private static string? DescribeMonths(string month)
    {
        if (month == "*")
        {
            return null;
        }

        var normalized = ReplaceNames(month, s_monthAbbreviations, 1);
        return List(normalized, 12) is { } months && months.All(m => m >= 1)
            ? "in " + Join(months.Select(m => s_months[m]).ToList())
            : $"in month {month}";
    }

    private static string ReplaceNames(string field, string[] names, int first)
    {
        var result = field.ToUpperInvariant();
        for (var i = first; i < names.Length; i++)
        {
            result = result.Replace(names[i], i.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return result;
    }

    private static int? Number(string field, int max) =>
        int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= max ? n : null;

    private static int? Step(string field) =>
        field.StartsWith("*/", StringComparison.Ordinal) && Number(field[2..], 1000) is { } n && n > 0 ? n : null;

    private static (int From, int To)? Range(string field, int max)
    {
        var parts = field.Split('-');
        return parts.Length == 2 && Number(parts[0], max) is { } from && Number(parts[1], max) is { } to ? (from, to) : null;
    }

    private static List<int>? List(string field, int max)
    {
        var values = new List<int>();
        foreach (var part in field.Split(','))
        {
            if (Number(part, max) is not { } n)
            {
                return null;
            }

            values.Add(n);
        }

        return values;
    }

    private static string Clock(int hour, int minute) => string.Create(CultureInfo.InvariantCulture, $"{hour:00}:{minute:00}");

    private static string Join(List<string> items) => items.Count switch
    {
        1 => items[0],
        2 => $"{items[0]} and {items[1]}",
        _ => string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1],
    };
}
