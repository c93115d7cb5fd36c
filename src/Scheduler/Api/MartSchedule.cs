using Scheduler.Marts;
using Scheduler.Scheduling;

namespace Scheduler.Api;

/// <summary>A mart's schedule for people: the next fire time and the cron expression in words.</summary>
internal static class MartSchedule
{
    /// <summary>The next fire time after <paramref name="now"/> in UTC, or null when the mart is manual only or disabled.</summary>
    public static DateTimeOffset? NextFireAt(MartDefinition mart, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(mart);
        if (mart.Cron is null || !mart.Enabled)
        {
            return null;
        }

        // The same parser as start-up validation and the recurring job, so the page shows what will happen.
        var next = MartConfiguration.ParseCron(mart.Cron).GetNextOccurrence(now.UtcDateTime, mart.TimeZone);
        return next is null ? null : new DateTimeOffset(next.Value, TimeSpan.Zero);
    }

    /// <summary>The instant in the mart's time zone, with that zone's offset at the time.</summary>
    public static DateTimeOffset InZone(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return TimeZoneInfo.ConvertTime(instant, zone);
    }

    /// <summary>The schedule in words (<see cref="CronDescriber"/>), "Manual only" without cron, with "(disabled)" when disabled.</summary>
    public static string Describe(MartDefinition mart)
    {
        ArgumentNullException.ThrowIfNull(mart);
        var text = mart.Cron is null ? "Manual only" : CronDescriber.Describe(mart.Cron);
        return mart.Enabled ? text : text + " (disabled)";
    }
}
