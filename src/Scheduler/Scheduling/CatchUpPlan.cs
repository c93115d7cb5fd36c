using Scheduler.Marts.Calendar;
using Scheduler.Marts;

namespace Scheduler.Scheduling;

/// <summary>
/// What catch-up does with a mart's cron slots in (watermark, until]: <see cref="Run"/> (oldest first) and
/// <see cref="Skip"/> (recorded Skipped), and how many older slots were <see cref="Dropped"/> unrecorded.
/// </summary>
/// <param name="Run">Slots to run: none (<c>None</c>), the latest (<c>Latest</c>), or the latest <c>MaxCatchUp</c> (<c>All</c>).</param>
/// <param name="Skip">Slots to record Skipped: the rest, at most <see cref="MaxSkipped"/> (the newest ones).</param>
/// <param name="Dropped">Slots older still, neither run nor recorded (only counted, in the log).</param>
internal sealed record CatchUpPlan(IReadOnlyList<DateTimeOffset> Run, IReadOnlyList<DateTimeOffset> Skip, long Dropped)
{
    /// <summary>The most Skipped runs one catch-up records for a mart.</summary>
    public const int MaxSkipped = 1000;

    /// <summary>How far back catch-up looks at most, however old the watermark.</summary>
    public static readonly TimeSpan MaxLookBack = TimeSpan.FromDays(400);

    /// <summary>
    /// Plans the catch-up of <paramref name="mart"/>'s slots in (<paramref name="watermark"/>, <paramref name="until"/>]
    /// by its <c>CatchUp</c> setting. Slots are the mart's cron fire times in its zone (DST as <see cref="MartCalendar"/>
    /// says). Every slot is counted, but only the newest <see cref="MaxSkipped"/> + <c>MaxCatchUp</c> are kept.
    /// </summary>
    public static CatchUpPlan For(MartDefinition mart, DateTimeOffset watermark, DateTimeOffset until)
    {
        ArgumentNullException.ThrowIfNull(mart);
        if (mart.Cron is null || until <= watermark)
        {
            return new CatchUpPlan([], [], 0);
        }

        var runCount = mart.CatchUp switch
        {
            MartCatchUp.None => 0,
            MartCatchUp.Latest => 1,
            _ => Math.Max(1, mart.MaxCatchUp),
        };
        var keep = MaxSkipped + runCount;
        var newest = new Queue<DateTimeOffset>(keep + 1);
        long total = 0;
        var from = watermark < until - MaxLookBack ? until - MaxLookBack : watermark;
        var cron = MartConfiguration.ParseCron(mart.Cron);
        foreach (var slot in cron.GetOccurrences(from.ToUniversalTime(), until.ToUniversalTime(), mart.TimeZone, fromInclusive: false, toInclusive: true))
        {
            total++;
            newest.Enqueue(slot.ToUniversalTime());
            if (newest.Count > keep)
            {
                newest.Dequeue();
            }
        }

        var kept = newest.ToList();
        var run = kept.Skip(Math.Max(0, kept.Count - runCount)).ToList();
        var skip = kept.Take(kept.Count - run.Count).ToList();
        if (skip.Count > MaxSkipped)
        {
            skip = skip.Skip(skip.Count - MaxSkipped).ToList();
        }

        return new CatchUpPlan(run, skip, total - run.Count - skip.Count);
    }
}
