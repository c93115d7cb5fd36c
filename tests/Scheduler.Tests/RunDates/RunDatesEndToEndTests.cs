using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scheduler.Backfills;
using Scheduler.Runs;
using Scheduler.Runs.Triggers;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.RunDates;

/// <summary>Logical dates, bound parameters and MaxActiveRuns, end to end: the real scheduler against the emulator.</summary>
[Collection(SchedulerHostGroup.Name)]
public sealed class RunDatesEndToEndTests
{
    private const string Sleep30 = "/* emulator: sleep=30 */ SELECT :run_date::date;";
    private const string Hostile = "x'); DROP TABLE public.run_marks; -- \\' \" $$ :run_date";

    private static readonly DateTimeOffset Dec1 = new(2026, 12, 1, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task ManualRun_BindsBuiltInDefaultAndOverrideParameters_AndAQuoteBreakingValueArrivesIntact()
    {
        await using var harness = await RunHarness.StartAsync("rundates_params",
            new Dictionary<string, string>
            {
                ["params"] = "INSERT INTO public.run_marks (note) VALUES (:note || '|' || :run_date || '|' || :interval_start || '|' || :interval_end || '|' || :region);",
            },
            new Dictionary<string, string?> { ["Marts:params:Parameters:note"] = "default", ["Marts:params:Parameters:region"] = "eu" });

        var result = await harness.Trigger.TriggerAsync("params",
            new RunRequest(RunTrigger.Manual) { LogicalDate = Dec1, Parameters = new Dictionary<string, string> { ["note"] = Hostile } },
            CancellationToken.None);
        var run = await harness.WaitForTerminalAsync(result.Run!.RunId);

        Assert.Equal(RunStatus.Succeeded, run.Status);
        Assert.Equal(Dec1, run.LogicalDate);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 0, 0, 0, TimeSpan.Zero), run.IntervalStart); // manual-only: the previous day
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), run.IntervalEnd);
        Assert.Equal(Hostile, run.Parameters["note"]);
        Assert.Equal("eu", run.Parameters["region"]);
        Assert.Equal("2026-12-01", run.Parameters["run_date"]);
        Assert.Equal(1, await harness.ScalarAsync(
            "SELECT count(*) FROM public.run_marks WHERE note = " +
            "$q$" + Hostile + "|2026-12-01|2026-11-30T00:00:00Z|2026-12-01T00:00:00Z|eu$q$"));
        var submission = Assert.Single(await harness.SubmissionsAsync(run));
        Assert.Equal(1, submission.Executions);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(run, RunJson.Options));
        Assert.Equal("2026-12-01T06:00:00+00:00", json.RootElement.GetProperty("logicalDate").GetString());
        Assert.Equal(Hostile, json.RootElement.GetProperty("parameters").GetProperty("note").GetString());
        Assert.Equal(1, json.RootElement.GetProperty("attempt").GetInt32());
    }

    [Fact]
    public async Task MaxActiveRuns_LetsTwoDatesRunTogether_ButNeverTheSameDateTwice_NorAThird()
    {
        await using var harness = await RunHarness.StartAsync("rundates_max", new Dictionary<string, string> { ["slow"] = Sleep30 },
            new Dictionary<string, string?> { ["Marts:slow:MaxActiveRuns"] = "2" });

        var first = await harness.Trigger.TriggerAsync("slow", new RunRequest(RunTrigger.Manual) { LogicalDate = Dec1 }, CancellationToken.None);
        var sameDate = await harness.Trigger.TriggerAsync("slow", new RunRequest(RunTrigger.Manual) { LogicalDate = Dec1 }, CancellationToken.None);
        var second = await harness.Trigger.TriggerAsync("slow", new RunRequest(RunTrigger.Manual) { LogicalDate = Dec1.AddDays(1) }, CancellationToken.None);
        var third = await harness.Trigger.TriggerAsync("slow", new RunRequest(RunTrigger.Manual) { LogicalDate = Dec1.AddDays(2) }, CancellationToken.None);
        var waiting = await harness.Trigger.TriggerAsync("slow",
            new RunRequest(RunTrigger.Backfill) { LogicalDate = Dec1.AddDays(3), WaitWhenBusy = true }, CancellationToken.None);

        Assert.Equal(TriggerOutcome.Started, first.Outcome);
        Assert.Equal(TriggerOutcome.Skipped, sameDate.Outcome);
        Assert.Equal(first.Run!.RunId, sameDate.ActiveRunId);
        Assert.Contains("same logical date", sameDate.Run!.Error, StringComparison.Ordinal);
        Assert.Equal(TriggerOutcome.Started, second.Outcome);
        Assert.Equal(TriggerOutcome.Skipped, third.Outcome);
        Assert.Contains("MaxActiveRuns", third.Run!.Error, StringComparison.Ordinal);
        Assert.Equal(TriggerOutcome.Busy, waiting.Outcome);
        Assert.Equal(first.Run.RunId, waiting.ActiveRunId);
        await harness.WaitForRunAsync(first.Run.RunId, r => r.Status == RunStatus.Running, what: "Running");
        await harness.WaitForRunAsync(second.Run!.RunId, r => r.Status == RunStatus.Running, what: "Running");

        await harness.Trigger.CancelAsync(first.Run.RunId, CancellationToken.None);
        await harness.Trigger.CancelAsync(second.Run.RunId, CancellationToken.None);
        await harness.WaitForTerminalAsync(first.Run.RunId);
        await harness.WaitForTerminalAsync(second.Run.RunId);
        Assert.Equal(2, (await harness.Emulator.GetStatementsAsync()).Count);
        var next = await harness.Trigger.TriggerAsync("slow", new RunRequest(RunTrigger.Manual) { LogicalDate = Dec1 }, CancellationToken.None);
        Assert.Equal(TriggerOutcome.Started, next.Outcome);
        await harness.Trigger.CancelAsync(next.Run!.RunId, CancellationToken.None);
        await harness.WaitForTerminalAsync(next.Run.RunId);
    }

    [Fact]
    public async Task PostRuns_TakesADateAndOverrides_AndRefusesABadBodyNamingTheField()
    {
        await using var stack = await ApiStack.StartAsync("rundates_api",
            new Dictionary<string, string> { ["dated"] = "SELECT :run_date::date, :region;" },
            new Dictionary<string, string?> { ["Marts:dated:Cron"] = "0 6 * * *", ["Marts:dated:TimeZone"] = "Europe/Berlin", ["Marts:dated:Parameters:region"] = "eu" });
        using var client = stack.Client();

        using var started = await client.PostAsync("api/marts/dated/runs",
            new StringContent("""{ "logicalDate": "2026-12-01", "parameters": { "region": "us" }, "downstream": true }""", Encoding.UTF8, "application/json"));
        var badType = await client.PostAsync("api/marts/dated/runs", new StringContent("""{ "parameters": { "region": 7 } }""", Encoding.UTF8, "application/json"));
        var unknown = await client.PostAsync("api/marts/dated/runs", new StringContent("""{ "parameters": { "regoin": "us" } }""", Encoding.UTF8, "application/json"));
        var notJson = await client.PostAsync("api/marts/dated/runs", new StringContent("{ logicalDate: ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var run = await started.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 5, 0, 0, TimeSpan.Zero), run.GetProperty("logicalDate").GetDateTimeOffset()); // 06:00 CET
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 5, 0, 0, TimeSpan.Zero), run.GetProperty("intervalStart").GetDateTimeOffset());
        Assert.Equal("us", run.GetProperty("parameters").GetProperty("region").GetString());
        Assert.Equal("2026-12-01", run.GetProperty("parameters").GetProperty("run_date").GetString());
        Assert.True(run.GetProperty("downstream").GetBoolean());
        foreach (var (response, field) in new[] { (badType, "parameters.region"), (unknown, "parameters.regoin"), (notJson, "(body)") })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json);
            Assert.Equal(field, problem.GetProperty("field").GetString());
            Assert.Contains(field == "(body)" ? "JSON" : field, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            response.Dispose();
        }

        var done = await ApiStack.WaitForRunJsonAsync(client, started.Headers.Location!.ToString(), r => r.GetProperty("status").GetString() == "Succeeded");
        Assert.Equal("Succeeded", done.GetProperty("status").GetString());
    }
}
