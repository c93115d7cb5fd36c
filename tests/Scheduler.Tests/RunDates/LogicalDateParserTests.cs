using Scheduler.Marts.Calendar;

namespace Scheduler.Tests.RunDates;

[Trait("Category", "Fast")]
public sealed class LogicalDateParserTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    [Theory]
    [InlineData("2026-12-01T02:30:00Z", "2026-12-01T02:30:00Z")]
    [InlineData("2026-12-01T02:30:00+01:00", "2026-12-01T01:30:00Z")]
    [InlineData("2026-12-01T02:30", "2026-12-01T01:30:00Z")]       // local, CET
    [InlineData("2026-12-01", "2026-12-01T01:30:00Z")]             // the day's fire time, 02:30 CET
    [InlineData("2026-03-29", "2026-03-29T01:00:00Z")]             // 02:30 does not exist: 03:00 CEST
    [InlineData(" 2026-07-01T02:30 ", "2026-07-01T00:30:00Z")]     // CEST
    public void TryParse_ReadsTheFormats_InTheMartsZone(string text, string expected)
    {
        var mart = MartCalendarTests.Mart("30 2 * * *", Berlin);

        Assert.True(LogicalDateParser.TryParse(mart, text, out var date));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), date);
    }

    [Fact]
    public void TryParse_TakesLocalMidnight_ForAManualOnlyMart()
    {
        Assert.True(LogicalDateParser.TryParse(MartCalendarTests.Mart(null, Berlin), "2026-12-01", out var date));
        Assert.Equal(DateTimeOffset.Parse("2026-11-30T23:00:00Z", System.Globalization.CultureInfo.InvariantCulture), date);
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2026-13-01")]
    [InlineData("01/12/2026")]
    [InlineData("2026-12-01T25:00")]
    [InlineData("1900-01-01")]
    [InlineData("12345")]
    public void TryParse_Refuses_WhatIsNotAnIsoDate(string text) =>
        Assert.False(LogicalDateParser.TryParse(MartCalendarTests.Mart("30 2 * * *", Berlin), text, out _));
}
