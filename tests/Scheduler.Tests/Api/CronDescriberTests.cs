using Scheduler.Scheduling;
using Scheduler.Api;

namespace Scheduler.Tests.Api;

[Trait("Category", "Fast")]
public sealed class CronDescriberTests
{
    [Theory]
    // Times of day
    [InlineData("0 3 * * *", "At 03:00, every day")]
    [InlineData("30 2 * * 1-5", "At 02:30, Monday through Friday")]
    [InlineData("0 9,17 * * *", "At 09:00 and 17:00, every day")]
    [InlineData("15 6 * * MON-FRI", "At 06:15, Monday through Friday")]
    [InlineData("0 0 * * 0,6", "At 00:00, on Sunday and Saturday")]
    // Intervals
    [InlineData("*/5 * * * *", "Every 5 minutes, every day")]
    [InlineData("* * * * *", "Every minute, every day")]
    [InlineData("10 * * * *", "At minute 10 past every hour, every day")]
    [InlineData("0 */6 * * *", "At minute 0 past every 6 hours, every day")]
    [InlineData("*/15 8-17 * * 1-5", "Every 15 minutes, between 08:00 and 17:59, Monday through Friday")]
    // Days of month and months
    [InlineData("0 4 1 * *", "At 04:00, on day 1 of the month")]
    [InlineData("0 4 L * *", "At 04:00, on the last day of the month")]
    [InlineData("0 4 1 1,7 *", "At 04:00, on day 1 of the month, in January and July")]
    [InlineData("0 4 * JAN *", "At 04:00, every day, in January")]
    [InlineData("0 4 13 * 5", "At 04:00, on day 13 of the month, if it is Friday")]
    // Seconds and macros
    [InlineData("30 0 3 * * *", "At second 30, at 03:00, every day")]
    [InlineData("@daily", "At 00:00, every day")]
    [InlineData("@hourly", "At minute 0 past every hour")]
    // Shapes without words are spelled out, never guessed
    [InlineData("5-10/2 3 * * *", "At minute 5-10/2, hour 3, every day")]
    [InlineData("0 3 ? * 2#1", "At 03:00, on day-of-week 2#1")]
    public void Describe_PutsTheScheduleInWords(string cron, string expected) =>
        Assert.Equal(expected, CronDescriber.Describe(cron));
}
