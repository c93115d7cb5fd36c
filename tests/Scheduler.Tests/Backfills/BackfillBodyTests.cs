using System.Text.Json;
using Scheduler.Api;
using Scheduler.Backfills;
using Scheduler.Marts;
using Scheduler.Runs;
using Scheduler.Tests.RunDates;

namespace Scheduler.Tests.Backfills;

/// <summary>Reading backfill requests and deciding which dates run (rerun), without a database.</summary>
[Trait("Category", "Fast")]
public sealed class BackfillBodyTests
{
    private static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    private static readonly MartDefinition Daily = MartCalendarTests.Mart("0 6 * * *", Berlin) with { MaxActiveRuns = 3 };

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    [Theory]
    [InlineData("""{ "to": "2026-11-02" }""", "from")]
    [InlineData("""{ "from": "2026-11-01" }""", "to")]
    [InlineData("""{ "from": "yesterday", "to": "2026-11-02" }""", "from")]
    [InlineData("""{ "from": "2026-11-03", "to": "2026-11-02" }""", "to")]
    [InlineData("""{ "from": "2026-11-01", "to": "2026-11-02", "maxConcurrent": 4 }""", "maxConcurrent")]
    [InlineData("""{ "from": "2026-11-01", "to": "2026-11-02", "maxConcurrent": "2" }""", "maxConcurrent")]
    [InlineData("""{ "from": "2026-11-01", "to": "2026-11-02", "rerun": "everything" }""", "rerun")]
    [InlineData("""{ "from": "2026-11-01", "to": "2026-11-02", "downstream": "yes" }""", "downstream")]
    [InlineData("""{ "from": "2026-11-01", "to": "2026-11-02", "parameters": { "region": "eu" } }""", "parameters.region")]
    [InlineData("""{ "from": "2026-11-01", "to": "2026-11-02", "form": 1 }""", "form")]
    [InlineData("""[1]""", "(body)")]
    public void BadFields_AreRefusedNamingTheField(string body, string field)
    {
        Assert.False(BackfillBody.TryRead(Json(body), Daily, out _, out var bad, out var expected));
        Assert.Equal(field, bad);
        Assert.NotEmpty(expected);
    }

    [Fact]
    public void AGoodBody_IsRead_AndADateAloneAsToCoversThatWholeDay()
    {
        Assert.True(BackfillBody.TryRead(Json("""{ "from": "2026-11-01", "to": "2026-11-03", "maxConcurrent": 3, "rerun": "failed", "downstream": true }"""),
            Daily, out var request, out _, out _));

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 0, 0, TimeSpan.Zero), request.From); // 06:00 CET, the day's fire time
        Assert.Equal(new DateTimeOffset(2026, 11, 3, 22, 59, 59, TimeSpan.Zero), request.To); // the end of the 3rd, local
        Assert.Equal(3, request.MaxConcurrent);
        Assert.Equal(BackfillRerun.Failed, request.Rerun);
        Assert.True(request.Downstream);
    }

    [Fact]
    public void Rerun_Missing_RunsDatesWithoutARun_Failed_AlsoThoseWhoseLatestDidNotSucceed_All_Every()
    {
        var date = new DateTimeOffset(2026, 11, 1, 5, 0, 0, TimeSpan.Zero);
        var failed = (Guid.NewGuid(), RunStatus.Failed);
        var succeeded = (Guid.NewGuid(), RunStatus.Succeeded);
        var running = (Guid.NewGuid(), RunStatus.Running);

        Assert.Equal(BackfillDateState.Pending, BackfillService.Plan(date, BackfillRerun.Missing, null).State);
        Assert.Equal(BackfillDateState.Excluded, BackfillService.Plan(date, BackfillRerun.Missing, failed).State);
        Assert.Equal(BackfillDateState.Pending, BackfillService.Plan(date, BackfillRerun.Failed, failed).State);
        Assert.Equal(BackfillDateState.Excluded, BackfillService.Plan(date, BackfillRerun.Failed, succeeded).State);
        Assert.Equal(BackfillDateState.Excluded, BackfillService.Plan(date, BackfillRerun.Failed, running).State);
        Assert.Equal(BackfillDateState.Pending, BackfillService.Plan(date, BackfillRerun.All, succeeded).State);
        Assert.Contains("succeeded", BackfillService.Plan(date, BackfillRerun.Missing, succeeded).Note, StringComparison.Ordinal);
    }
}
