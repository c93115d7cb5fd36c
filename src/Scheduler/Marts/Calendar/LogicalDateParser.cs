using System.Globalization;

namespace Scheduler.Marts.Calendar;

/// <summary>
/// Reads a logical date as people write it (API bodies, dashboard forms, backfill ranges): an ISO 8601 time with an
/// offset (<c>2026-12-01T02:30:00Z</c>) is that instant; without one (<c>2026-12-01T02:30</c>) it is local time in the
/// mart's zone; a date alone (<c>2026-12-01</c>) is the mart's first fire time that day in its zone, or local midnight
/// for a manual-only mart (or a day without a fire time), so "run it for the 1st" means the run the schedule makes.
/// </summary>
internal static class LogicalDateParser
{
    private static readonly string[] s_localFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];

    private static readonly DateTimeOffset s_earliest = new(1970, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_latest = new(2200, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>What the formats are, for error messages.</summary>
    public const string Expected =
        "an ISO 8601 date or time: 2026-12-01 (the mart's first fire time that day), 2026-12-01T02:30 (local time in the mart's zone) or 2026-12-01T02:30:00Z";

    /// <summary>Parses <paramref name="text"/> for <paramref name="mart"/>; false when it is none of the formats.</summary>
    public static bool TryParse(MartDefinition mart, string? text, out DateTimeOffset logicalDate)
    {
        ArgumentNullException.ThrowIfNull(mart);
        logicalDate = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            logicalDate = FirstSlotOf(mart, day);
        }
        else if (DateTime.TryParseExact(text, s_localFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            logicalDate = FromLocal(mart.TimeZone, local);
        }
        else if (text.Length > 10 && (text[10] == 'T' || text[10] == 't' || text[10] == ' ')
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact))
        {
            logicalDate = exact.ToUniversalTime();
        }
        else
        {
            return false;
        }

        return logicalDate >= s_earliest && logicalDate < s_latest;
    }

    private static DateTimeOffset FirstSlotOf(MartDefinition mart, DateOnly day)
    {
        var midnight = FromLocal(mart.TimeZone, day.ToDateTime(TimeOnly.MinValue));
        var nextMidnight = FromLocal(mart.TimeZone, day.AddDays(1).ToDateTime(TimeOnly.MinValue));
        return MartCalendar.FireTimes(mart, midnight.AddTicks(-1), nextMidnight.AddTicks(-1)).FirstOrDefault() is var first && first != default
            ? first
            : midnight;
    }

    private static DateTimeOffset FromLocal(TimeZoneInfo zone, DateTime local)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        // A local time skipped by DST means the first valid time after it, as a cron schedule does.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
