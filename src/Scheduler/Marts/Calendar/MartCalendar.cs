using System.Globalization;
using Cronos;

namespace Scheduler.Marts.Calendar;

/// <summary>
/// A mart's dates: its cron fire times in its time zone, the data interval a logical date stands for, and
/// <c>run_date</c>. Cron marts: a logical date is a fire time and its interval runs from the previous fire time to it.
/// Manual-only marts: a logical date stands for the previous day in the mart's zone (midnight to midnight).
/// </summary>
/// <remarks>
/// DST follows Cronos: a fixed local time that does not exist on the spring-forward day (02:30 in Europe/Berlin) fires
/// at the first valid time after it (03:00); a fixed local time that happens twice on the fall-back day fires once, at
/// its first occurrence; interval expressions (hourly) fire in both offsets of the repeated hour. A local day is then
/// 23 or 25 hours long, and so is a daily mart's interval.
/// </remarks>
internal static class MartCalendar
{
    /// <summary>The most fire times one call enumerates (a backfill plans at most 1,000 dates).</summary>
    public const int MaxOccurrences = 100_000;

    // How far back the previous fire time is searched: wide enough for @yearly and for 29 February.
    // Small windows first: a schedule every few seconds must not enumerate two days of fire times.
    private static readonly TimeSpan[] s_lookBack =
        [TimeSpan.FromMinutes(2), TimeSpan.FromHours(2), TimeSpan.FromDays(2), TimeSpan.FromDays(40), TimeSpan.FromDays(400), TimeSpan.FromDays(3000)];

    /// <summary>The cron fire times in (<paramref name="after"/>, <paramref name="until"/>], oldest first.</summary>
    public static IEnumerable<DateTimeOffset> FireTimes(MartDefinition mart, DateTimeOffset after, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(mart);
        if (mart.Cron is null || until <= after)
        {
            return [];
        }

        return MartConfiguration.ParseCron(mart.Cron)
            .GetOccurrences(after.ToUniversalTime(), until.ToUniversalTime(), mart.TimeZone, fromInclusive: false, toInclusive: true)
            .Take(MaxOccurrences)
            .Select(t => t.ToUniversalTime());
    }

    /// <summary>
    /// The logical dates a backfill over [<paramref name="from"/>, <paramref name="to"/>] plans: the cron fire times in
    /// it, or each local midnight in it for a manual-only mart. At most <paramref name="limit"/> + 1 are returned, so a
    /// caller can tell that there are more.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> PlannedDates(MartDefinition mart, DateTimeOffset from, DateTimeOffset to, int limit)
    {
        ArgumentNullException.ThrowIfNull(mart);
        if (to < from)
        {
            return [];
        }

        if (mart.Cron is not null)
        {
            return [.. FireTimes(mart, from.AddTicks(-1), to).Take(limit + 1)];
        }

        var dates = new List<DateTimeOffset>();
        var day = StartOfDay(mart.TimeZone, from);
        if (day < from)
        {
            day = NextDay(mart.TimeZone, day);
        }

        while (day <= to && dates.Count <= limit)
        {
            dates.Add(day);
            day = NextDay(mart.TimeZone, day);
        }

        return dates;
    }

    /// <summary>True when <paramref name="time"/> is one of the mart's cron fire times.</summary>
    public static bool IsFireTime(MartDefinition mart, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return mart.Cron is not null
            && MartConfiguration.ParseCron(mart.Cron).GetNextOccurrence(time.ToUniversalTime(), mart.TimeZone, inclusive: true) == time.ToUniversalTime();
    }

    /// <summary>The latest fire time at or before <paramref name="time"/>, or null (manual-only, or none in eight years).</summary>
    public static DateTimeOffset? LatestFireTime(MartDefinition mart, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return mart.Cron is null ? null : Previous(MartConfiguration.ParseCron(mart.Cron), mart.TimeZone, time.ToUniversalTime(), inclusive: true);
    }

    /// <summary>The data interval of a run for <paramref name="logicalDate"/>: [start, end).</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Interval(MartDefinition mart, DateTimeOffset logicalDate)
    {
        ArgumentNullException.ThrowIfNull(mart);
        var utc = logicalDate.ToUniversalTime();
        if (mart.Cron is not null)
        {
            // A manual run between fire times covers the time since the previous fire time.
            var previous = Previous(MartConfiguration.ParseCron(mart.Cron), mart.TimeZone, utc, inclusive: false);
            return (previous ?? utc, utc);
        }

        var end = StartOfDay(mart.TimeZone, utc);
        return (PreviousDay(mart.TimeZone, end), end);
    }

    /// <summary><c>run_date</c>: the logical date's calendar date in the mart's time zone, <c>yyyy-MM-dd</c>.</summary>
    public static string RunDate(MartDefinition mart, DateTimeOffset logicalDate)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return TimeZoneInfo.ConvertTime(logicalDate, mart.TimeZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    /// <summary>The logical date written with the mart's zone offset, e.g. <c>2026-03-29T03:00:00+02:00</c>.</summary>
    public static string Local(MartDefinition mart, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(mart);
        return TimeZoneInfo.ConvertTime(time, mart.TimeZone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
    }

    private static DateTimeOffset? Previous(CronExpression cron, TimeZoneInfo zone, DateTimeOffset utc, bool inclusive)
    {
        foreach (var window in s_lookBack)
        {
            DateTimeOffset? last = null;
            foreach (var occurrence in cron.GetOccurrences(utc - window, utc, zone, fromInclusive: true, toInclusive: inclusive))
            {
                last = occurrence.ToUniversalTime();
            }

            if (last is not null)
            {
                return last;
            }
        }

        return null;
    }

    /// <summary>Local midnight of the day <paramref name="time"/> falls on (the first valid local time of it under DST).</summary>
    private static DateTimeOffset StartOfDay(TimeZoneInfo zone, DateTimeOffset time)
    {
        var local = TimeZoneInfo.ConvertTime(time, zone);
        return AtLocal(zone, local.Date);
    }

    private static DateTimeOffset NextDay(TimeZoneInfo zone, DateTimeOffset midnight) =>
        AtLocal(zone, TimeZoneInfo.ConvertTime(midnight, zone).Date.AddDays(1));

    private static DateTimeOffset PreviousDay(TimeZoneInfo zone, DateTimeOffset midnight) =>
        AtLocal(zone, TimeZoneInfo.ConvertTime(midnight, zone).Date.AddDays(-1));

    private static DateTimeOffset AtLocal(TimeZoneInfo zone, DateTime localDate)
    {
        var local = DateTime.SpecifyKind(localDate, DateTimeKind.Unspecified);
        // A midnight skipped by DST (some zones change at 00:00) starts the day at the first valid minute after it.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }
}
