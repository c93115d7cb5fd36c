using Scheduler.Tests.RunDates;
using Scheduler.Runs.Triggers;
using Scheduler.Marts;
using Scheduler.Scheduling;
using Scheduler.Backfills;

namespace Scheduler.Tests.Backfills;

/// <summary>
/// What catch-up does after downtime, with the DST changes of Europe/Berlin in 2026 (spring forward 29 March 02:00 →
/// 03:00; fall back 25 October 03:00 → 02:00), for a daily 02:30 mart and an hourly one.
/// </summary>
[Trait("Category", "Fast")]
public sealed class CatchUpPlanTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture).ToUniversalTime();

    private static MartDefinition Mart(string cron, MartCatchUp mode, int maxCatchUp = 24) =>
        MartCalendarTests.Mart(cron, Berlin) with { CatchUp = mode, MaxCatchUp = maxCatchUp };

    [Fact]
    public void Daily0230_DownAcrossSpringForward_TheGapDaysSlotIs0300Cest_AndAllRunsEachDayOnce()
    {
        var mart = Mart("30 2 * * *", MartCatchUp.All);

        // Down from Saturday noon to Monday noon: the slots were Sunday 03:00 CEST (02:30 does not exist) and Monday 02:30 CEST.
        var plan = CatchUpPlan.For(mart, At("2026-03-28T12:00:00+01:00"), At("2026-03-30T12:00:00+02:00"));

        Assert.Equal([At("2026-03-29T03:00:00+02:00"), At("2026-03-30T02:30:00+02:00")], plan.Run);
        Assert.Empty(plan.Skip);
        Assert.Equal(0, plan.Dropped);
    }

    [Fact]
    public void Daily0230_DownAcrossFallBack_TheRepeatedHourFiresOnce_AndLatestRunsOnlyTheLast()
    {
        var mart = Mart("30 2 * * *", MartCatchUp.Latest);

        var plan = CatchUpPlan.For(mart, At("2026-10-24T12:00:00+02:00"), At("2026-10-26T12:00:00+01:00"));

        // 25 October: 02:30 happens twice; the schedule fires once, at the first (CEST) one.
        Assert.Equal([At("2026-10-26T02:30:00+01:00")], plan.Run);
        Assert.Equal([At("2026-10-25T02:30:00+02:00")], plan.Skip);
    }

    [Fact]
    public void Hourly_DownAcrossSpringForward_HasNoSlotInTheMissingHour()
    {
        var mart = Mart("0 * * * *", MartCatchUp.All);

        // 01:00 CET to 04:00 CEST is two real hours: slots 02:00 CET does not exist, so 03:00 CEST (= 01:00 UTC) and 04:00 CEST.
        var plan = CatchUpPlan.For(mart, At("2026-03-29T01:00:00+01:00"), At("2026-03-29T04:00:00+02:00"));

        Assert.Equal([At("2026-03-29T03:00:00+02:00"), At("2026-03-29T04:00:00+02:00")], plan.Run);
        Assert.Equal([At("2026-03-29T01:00:00Z"), At("2026-03-29T02:00:00Z")], plan.Run);
    }

    [Fact]
    public void Hourly_DownAcrossFallBack_CatchesUpBothOffsetsOfTheRepeatedHour_AsDistinctSlots()
    {
        var mart = Mart("0 * * * *", MartCatchUp.All);

        // 01:00 CEST to 04:00 CET is four real hours: 02:00 CEST, 02:00 CET, 03:00 CET, 04:00 CET.
        var plan = CatchUpPlan.For(mart, At("2026-10-25T01:00:00+02:00"), At("2026-10-25T04:00:00+01:00"));

        Assert.Equal(
            [At("2026-10-25T02:00:00+02:00"), At("2026-10-25T02:00:00+01:00"), At("2026-10-25T03:00:00+01:00"), At("2026-10-25T04:00:00+01:00")],
            plan.Run);
        Assert.Equal(4, plan.Run.Select(s => Scheduler.Runs.Triggers.TriggerKeys.CronSlot("m", s)).Distinct().Count());
    }

    [Fact]
    public void None_SkipsEveryMissedSlot_AndAll_RunsTheLatestMaxCatchUp_OldestFirst_SkippingTheRest()
    {
        var none = CatchUpPlan.For(Mart("0 * * * *", MartCatchUp.None), At("2026-12-01T00:00:00Z"), At("2026-12-01T10:00:00Z"));
        var all = CatchUpPlan.For(Mart("0 * * * *", MartCatchUp.All, maxCatchUp: 3), At("2026-12-01T00:00:00Z"), At("2026-12-01T10:00:00Z"));

        Assert.Empty(none.Run);
        Assert.Equal(10, none.Skip.Count);
        Assert.Equal([At("2026-12-01T08:00:00Z"), At("2026-12-01T09:00:00Z"), At("2026-12-01T10:00:00Z")], all.Run);
        Assert.Equal(7, all.Skip.Count);
        Assert.Equal(At("2026-12-01T01:00:00Z"), all.Skip[0]);
    }

    [Fact]
    public void ALongOutage_RecordsAtMostAThousandSkippedSlots_TheNewest_AndCountsTheRest()
    {
        var plan = CatchUpPlan.For(Mart("* * * * *", MartCatchUp.Latest), At("2026-12-01T00:00:00Z"), At("2026-12-02T00:00:00Z"));

        Assert.Equal([At("2026-12-02T00:00:00Z")], plan.Run);
        Assert.Equal(CatchUpPlan.MaxSkipped, plan.Skip.Count);
        Assert.Equal(At("2026-12-01T23:59:00Z"), plan.Skip[^1]);
        Assert.Equal(24 * 60 - 1 - CatchUpPlan.MaxSkipped, plan.Dropped);
    }
}
