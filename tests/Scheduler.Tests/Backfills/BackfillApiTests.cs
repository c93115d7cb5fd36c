using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scheduler.Backfills;
using Scheduler.Runs;
using Scheduler.Testing;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Backfills;

/// <summary>Backfills through the HTTP API against the real scheduler, Hangfire server and emulator.</summary>
[Collection(SchedulerHostGroup.Name)]
public sealed class BackfillApiTests
{
    private const string Marked = "INSERT INTO public.run_marks (note) VALUES (:run_date);";

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Backfill_PlansTheDates_RunsEachOnceOldestFirst_ShowsProgress_AndARerunOfMissingExcludesThem()
    {
        await using var stack = await ApiStack.StartAsync("backfill_api",
            new Dictionary<string, string> { ["marked"] = Marked },
            new Dictionary<string, string?> { ["Marts:marked:TimeZone"] = "Europe/Berlin", ["Marts:marked:MaxActiveRuns"] = "2" });
        using var client = stack.Client();

        using var created = await client.PostAsync("api/marts/marked/backfills",
            Body("""{ "from": "2026-11-01", "to": "2026-11-03", "maxConcurrent": 2 }"""));

        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json);
        var id = body.GetProperty("backfillId").GetString()!;
        Assert.Equal($"/api/backfills/{id}", created.Headers.Location!.ToString());
        // A manual-only mart: one logical date a day, local midnight in its zone.
        Assert.Equal(
            ["2026-10-31T23:00:00+00:00", "2026-11-01T23:00:00+00:00", "2026-11-02T23:00:00+00:00"],
            body.GetProperty("plannedDates").EnumerateArray().Select(d => d.GetString()!).ToList());
        Assert.Equal("2026-11-01T00:00:00+01:00", body.GetProperty("dates")[0].GetProperty("local").GetString());

        var done = await WaitForBackfillAsync(client, id, b => b.GetProperty("status").GetString() == "Completed");
        Assert.Equal(3, done.GetProperty("totals").GetProperty("succeeded").GetInt32());
        Assert.All(done.GetProperty("dates").EnumerateArray(), d =>
        {
            Assert.Equal("Finished", d.GetProperty("state").GetString());
            Assert.Equal("Succeeded", d.GetProperty("runStatus").GetString());
        });
        var runs = await stack.Harness.Ledger.ListAsync("marked", null, 100, CancellationToken.None);
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunTrigger.Backfill, r.Trigger));
        Assert.All(runs, r => Assert.Equal(Guid.Parse(id), r.BackfillId));
        Assert.Equal(["2026-11-01", "2026-11-02", "2026-11-03"], runs.Select(r => r.Parameters["run_date"]).Order().ToList());
        Assert.Equal(3, await stack.Harness.ScalarAsync("SELECT count(DISTINCT note) FROM public.run_marks"));
        Assert.Equal(3, (await stack.Harness.Emulator.GetStatementsAsync()).Count);

        // Again with the default rerun "missing": every date has a run, so every date is excluded and nothing runs.
        using var again = await client.PostAsync("api/marts/marked/backfills", Body("""{ "from": "2026-11-01", "to": "2026-11-04" }"""));
        var second = await again.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(["Excluded", "Excluded", "Excluded", "Pending"],
            second.GetProperty("dates").EnumerateArray().Select(d => d.GetProperty("state").GetString()!).Select(s => s == "Started" || s == "Finished" ? "Pending" : s).ToList());
        Assert.Contains("succeeded", second.GetProperty("dates")[0].GetProperty("note").GetString(), StringComparison.Ordinal);
        var secondId = second.GetProperty("backfillId").GetString()!;
        await WaitForBackfillAsync(client, secondId, b => b.GetProperty("status").GetString() == "Completed");
        Assert.Equal(4, await stack.Harness.ScalarAsync("SELECT count(*) FROM public.run_marks"));

        // "all" runs a date again; the list shows every backfill of the mart, newest first.
        using var all = await client.PostAsync("api/marts/marked/backfills", Body("""{ "from": "2026-11-01", "to": "2026-11-01", "rerun": "all" }"""));
        var third = (await all.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json)).GetProperty("backfillId").GetString()!;
        await WaitForBackfillAsync(client, third, b => b.GetProperty("status").GetString() == "Completed");
        Assert.Equal(5, await stack.Harness.ScalarAsync("SELECT count(*) FROM public.run_marks"));
        var list = await client.GetFromJsonAsync<JsonElement>("api/marts/marked/backfills", ApiStack.Json);
        Assert.Equal([third, secondId, id], list.EnumerateArray().Select(b => b.GetProperty("backfillId").GetString()!).ToList());
    }

    [Fact]
    public async Task BadRequests_AreRefusedNamingTheField_AndMoreThanAThousandDatesSaysHowMany()
    {
        await using var stack = await ApiStack.StartAsync("backfill_bad",
            new Dictionary<string, string> { ["hourly"] = "SELECT 1;" },
            new Dictionary<string, string?> { ["Marts:hourly:Cron"] = "0 * * * *" });
        using var client = stack.Client();

        foreach (var (json, field, says) in new[]
        {
            ("""{ "from": "2026-01-01", "to": "2026-03-01" }""", "to", "1,440"),
            ("""{ "from": "2026-01-01", "to": "2026-01-02", "maxConcurrent": 2 }""", "maxConcurrent", "MaxActiveRuns"),
            ("""{ "from": "2026-01-01T00:30Z", "to": "2026-01-01T00:40Z" }""", "to", "no fire times"),
            ("""{ "from": 1, "to": "2026-01-02" }""", "from", "ISO 8601"),
            ("""{ "from": "2026-01-01", "to": "2026-01-02", "rerun": "some" }""", "rerun", "missing"),
        })
        {
            using var response = await client.PostAsync("api/marts/hourly/backfills", Body(json));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json);
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Contains(says, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("api/marts/nope/backfills", Body("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"api/backfills/{Guid.NewGuid()}")).StatusCode);
        Assert.Empty(await stack.Harness.Ledger.ListAsync("hourly", null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Cancel_StopsNewRuns_LeavesTheStartedRunRunning_AndMarksPendingDatesCancelled()
    {
        await using var stack = await ApiStack.StartAsync("backfill_cancel",
            new Dictionary<string, string> { ["slow"] = ApiStack.LongSql });
        using var client = stack.Client();
        using var created = await client.PostAsync("api/marts/slow/backfills", Body("""{ "from": "2026-11-01", "to": "2026-11-03" }"""));
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json)).GetProperty("backfillId").GetString()!;
        var started = await WaitForBackfillAsync(client, id, b => b.GetProperty("totals").GetProperty("started").GetInt32() == 1);
        var runId = Guid.Parse(started.GetProperty("dates")[0].GetProperty("runId").GetString()!);

        using var cancel = await client.PostAsync($"api/backfills/{id}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var cancelled = await cancel.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json);
        Assert.Equal("Cancelled", cancelled.GetProperty("status").GetString());
        Assert.Equal(["Started", "Cancelled", "Cancelled"],
            cancelled.GetProperty("dates").EnumerateArray().Select(d => d.GetProperty("state").GetString()!).ToList());
        Assert.False((await stack.Harness.Ledger.GetAsync(runId, CancellationToken.None))!.Status.IsTerminal());
        using var twice = await client.PostAsync($"api/backfills/{id}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, twice.StatusCode); // already cancelled: the same answer

        await stack.Harness.Trigger.CancelAsync(runId, CancellationToken.None);
        await stack.Harness.WaitForTerminalAsync(runId);
        await stack.Harness.App.Services.GetRequiredServiceForTests<Scheduler.Backfills.BackfillSweepService>().SweepAsync(null, CancellationToken.None);
        Assert.Single(await stack.Harness.Ledger.ListAsync("slow", null, 10, CancellationToken.None));
    }

    internal static Task<JsonElement> WaitForBackfillAsync(HttpClient client, string id, Func<JsonElement, bool> condition) =>
        Eventually.ValueAsync(() => client.GetFromJsonAsync<JsonElement>($"api/backfills/{id}", ApiStack.Json), condition,
            $"backfill {id} reaches the expected state", TimeSpan.FromSeconds(90), describe: backfill => backfill.ToString());
}
