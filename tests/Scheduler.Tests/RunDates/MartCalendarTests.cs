using Scheduler.Marts.Calendar;
using Scheduler.Marts;

namespace Scheduler.Tests.RunDates;

/// <summary>Fire times, intervals and run dates, with the DST changes of Europe/Berlin in 2026 (29 March, 25 October).</summary>
[Trait("Category", "Fast")]
public sealed class MartCalendarTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    internal static MartDefinition Mart(string? cron, TimeZoneInfo? zone = null) => new(
        "m", "m.sql", "/tmp/m.sql", cron, zone ?? TimeZoneInfo.Utc, TimeSpan.FromHours(1), TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(1), true,
        new RedshiftTarget("wg", null, "dev", null, null));

    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();

    [Fact]
    public void DailyAt0230_SpringForward_FiresAt0300LocalOnTheGapDay_AndTheIntervalIs23Hours()
    {
        var mart = Mart("30 2 * * *", Berlin);

        var fires = MartCalendar.FireTimes(mart, Utc("2026-03-27T12:00:00Z"), Utc("2026-03-31T12:00:00Z")).ToList();

        Assert.Equal(
            [Utc("2026-03-28T02:30:00+01:00"), Utc("2026-03-29T03:00:00+02:00"), Utc("2026-03-30T02:30:00+02:00"), Utc("2026-03-31T02:30:00+02:00")],
            fires);
        var (start, end) = MartCalendar.Interval(mart, fires[1]);
        Assert.Equal(fires[0], start);
        Assert.Equal(fires[1], end);
        Assert.Equal(TimeSpan.FromHours(23.5), end - start); // 02:30 CET to 03:00 CEST
        Assert.Equal("2026-03-29", MartCalendar.RunDate(mart, fires[1]));
        Assert.Equal(TimeSpan.FromHours(23.5), fires[2] - fires[1]);
    }

    [Fact]
    public void DailyAt0230_FallBack_FiresOnceOnTheRepeatDay_AndTheIntervalIs25Hours()
    {
        var mart = Mart("30 2 * * *", Berlin);

        var fires = MartCalendar.FireTimes(mart, Utc("2026-10-24T00:00:00Z"), Utc("2026-10-26T12:00:00Z")).ToList();

        Assert.Equal([Utc("2026-10-24T02:30:00+02:00"), Utc("2026-10-25T02:30:00+02:00"), Utc("2026-10-26T02:30:00+01:00")], fires);
        Assert.Equal(TimeSpan.FromHours(25), fires[2] - fires[1]);
        Assert.Equal((fires[1], fires[2]), MartCalendar.Interval(mart, fires[2]));
        Assert.Equal("2026-10-25", MartCalendar.RunDate(mart, fires[1]));
    }

    [Fact]
    public void Hourly_SpringForward_Has23Slots_AndFallBack_Has25Slots_EachAnHourApart()
    {
        var mart = Mart("0 * * * *", Berlin);

        var spring = MartCalendar.FireTimes(mart, Utc("2026-03-28T23:00:00Z").AddTicks(-1), Utc("2026-03-29T22:00:00Z").AddTicks(-1)).ToList();
        var fall = MartCalendar.FireTimes(mart, Utc("2026-10-24T22:00:00Z").AddTicks(-1), Utc("2026-10-25T23:00:00Z").AddTicks(-1)).ToList();

        Assert.Equal(23, spring.Count); // local 00:00 … 23:00 without 02:00
        Assert.Equal(25, fall.Count);   // 02:00 twice, in CEST and in CET
        Assert.All(spring.Zip(spring.Skip(1)), pair => Assert.Equal(TimeSpan.FromHours(1), pair.Second - pair.First));
        Assert.All(fall.Zip(fall.Skip(1)), pair => Assert.Equal(TimeSpan.FromHours(1), pair.Second - pair.First));
        Assert.Equal(2, fall.Count(t => TimeZoneInfo.ConvertTime(t, Berlin).Hour == 2));
        // Each slot's interval is the hour before it, across the change too.
        Assert.All(fall.Skip(1), slot => Assert.Equal(TimeSpan.FromHours(1), slot - MartCalendar.Interval(mart, slot).Start));
    }

    [Fact]
    public void ManualOnlyMart_IntervalIsThePreviousLocalDay_AndPlannedDatesAreLocalMidnights()
    {
        var mart = Mart(null, Berlin);

        var (start, end) = MartCalendar.Interval(mart, Utc("2026-03-29T15:00:00+02:00"));
        var planned = MartCalendar.PlannedDates(mart, Utc("2026-03-28T00:00:00+01:00"), Utc("2026-03-30T00:00:00+02:00"), 10);

        Assert.Equal(Utc("2026-03-28T00:00:00+01:00"), start);
        Assert.Equal(Utc("2026-03-29T00:00:00+01:00"), end);
        Assert.Equal([Utc("2026-03-28T00:00:00+01:00"), Utc("2026-03-29T00:00:00+01:00"), Utc("2026-03-30T00:00:00+02:00")], planned);
    }

    [Fact]
    public void PlannedDates_AreTheFireTimesInTheRange_InclusiveAndBounded()
    {
        var mart = Mart("0 6 * * *");

        var planned = MartCalendar.PlannedDates(mart, Utc("2026-12-01T06:00:00Z"), Utc("2026-12-03T06:00:00Z"), 10);
        var bounded = MartCalendar.PlannedDates(mart, Utc("2026-01-01T00:00:00Z"), Utc("2026-12-31T00:00:00Z"), 5);

        Assert.Equal([Utc("2026-12-01T06:00:00Z"), Utc("2026-12-02T06:00:00Z"), Utc("2026-12-03T06:00:00Z")], planned);
        Assert.Equal(6, bounded.Count); // limit + 1 says "more than the limit"
    }

    [Fact]
    public void Interval_OfAManualRunBetweenFireTimes_StartsAtThePreviousFireTime()
    {
        var mart = Mart("0 6 * * *");

        Assert.Equal((Utc("2026-12-02T06:00:00Z"), Utc("2026-12-02T10:15:00Z")), MartCalendar.Interval(mart, Utc("2026-12-02T10:15:00Z")));
        Assert.True(MartCalendar.IsFireTime(mart, Utc("2026-12-02T06:00:00Z")));
        Assert.False(MartCalendar.IsFireTime(mart, Utc("2026-12-02T06:00:01Z")));
        Assert.Equal(Utc("2026-12-02T06:00:00Z"), MartCalendar.LatestFireTime(mart, Utc("2026-12-02T10:15:00Z")));
    }
}
