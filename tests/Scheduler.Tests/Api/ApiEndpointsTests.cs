using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Api;

[Collection(SchedulerHostGroup.Name)]
public sealed class ApiEndpointsTests
{
    [Fact]
    public async Task PostRuns_Returns202WithLocation_AndTheRunReachesSucceededWithItsSubStatements()
    {
        await using var stack = await ApiStack.StartAsync(nameof(ApiEndpointsTests));
        using var client = stack.Client();

        using var response = await client.PostAsync("api/marts/sample/runs", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var started = await response.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json);
        var runId = started.GetProperty("runId").GetString();
        Assert.Equal($"/api/runs/{runId}", response.Headers.Location?.ToString());
        Assert.Equal("sample", started.GetProperty("mart").GetString());
        Assert.Equal("manual", started.GetProperty("trigger").GetString());
        Assert.Equal("Submitting", started.GetProperty("status").GetString());

        var run = await ApiStack.WaitForRunJsonAsync(client, response.Headers.Location!.ToString(), r => r.GetProperty("status").GetString() == "Succeeded");
        Assert.False(string.IsNullOrEmpty(run.GetProperty("statementId").GetString()));
        foreach (var time in new[] { "createdAt", "submittedAt", "statementFinishedAt", "completedAt" })
        {
            Assert.Equal(TimeSpan.Zero, run.GetProperty(time).GetDateTimeOffset().Offset);
        }

        Assert.True(run.GetProperty("pollCount").GetInt32() >= 1);
        Assert.Equal(JsonValueKind.Null, run.GetProperty("error").ValueKind);
        var subs = run.GetProperty("subStatements").EnumerateArray().ToList();
        Assert.Equal(2, subs.Count);
        Assert.Equal([1, 2], subs.Select(s => s.GetProperty("index").GetInt32()));
        Assert.All(subs, s => Assert.Equal("FINISHED", s.GetProperty("status").GetString()));
        Assert.Contains("select count(*) from t", subs[1].GetProperty("sql").GetString(), StringComparison.Ordinal);
        Assert.True(subs[1].TryGetProperty("durationMs", out _));
        Assert.Equal(1, subs[1].GetProperty("resultRows").GetInt64());
    }

    [Fact]
    public async Task GetMarts_ListsEveryMartWithScheduleNextFireTimeAndLastRun()
    {
        await using var stack = await ApiStack.StartAsync(nameof(ApiEndpointsTests), settings: new Dictionary<string, string?>
        {
            ["Marts:sample:Cron"] = "30 2 * * 1-5",
            ["Marts:sample:TimeZone"] = "America/New_York",
        });
        using var client = stack.Client();
        var run = await stack.Harness.StartRunAsync("sample");
        await stack.Harness.WaitForTerminalAsync(run.RunId);

        var marts = await client.GetFromJsonAsync<JsonElement>("api/marts", ApiStack.Json);

        var sample = marts.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "sample");
        Assert.Equal("30 2 * * 1-5", sample.GetProperty("cron").GetString());
        Assert.Equal("At 02:30, Monday through Friday", sample.GetProperty("schedule").GetString());
        Assert.Equal("America/New_York", sample.GetProperty("timeZone").GetString());
        var next = sample.GetProperty("nextFireAt").GetDateTimeOffset();
        var local = sample.GetProperty("nextFireAtLocal").GetDateTimeOffset();
        Assert.Equal(next, local);
        Assert.Equal(new TimeSpan(2, 30, 0), local.TimeOfDay);
        Assert.True(local.Offset == TimeSpan.FromHours(-5) || local.Offset == TimeSpan.FromHours(-4));
        Assert.Equal(run.RunId.ToString("D"), sample.GetProperty("lastRun").GetProperty("runId").GetString());
        var slow = marts.EnumerateArray().Single(m => m.GetProperty("name").GetString() == "slow");
        Assert.Equal("Manual only", slow.GetProperty("schedule").GetString());
        Assert.Equal(JsonValueKind.Null, slow.GetProperty("nextFireAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, slow.GetProperty("lastRun").ValueKind);
    }

    [Fact]
    public async Task PostRuns_Returns409NamingTheActiveRun_ThenCancelEndsItAndASecondCancelIs409()
    {
        await using var stack = await ApiStack.StartAsync(nameof(ApiEndpointsTests));
        using var client = stack.Client();
        using var first = await client.PostAsync("api/marts/slow/runs", null);
        var location = first.Headers.Location!.ToString();
        var active = await ApiStack.WaitForRunJsonAsync(client, location, r => r.GetProperty("status").GetString() == "Running");
        var activeId = active.GetProperty("runId").GetString();

        using var second = await client.PostAsync("api/marts/slow/runs", null);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json);
        Assert.Contains(activeId!, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(activeId, problem.GetProperty("activeRunId").GetString());
        var skipped = await client.GetFromJsonAsync<JsonElement>($"api/runs/{problem.GetProperty("skippedRunId").GetString()}", ApiStack.Json);
        Assert.Equal("Skipped", skipped.GetProperty("status").GetString());

        using var cancel = await client.PostAsync($"api/runs/{activeId}/cancel", null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var cancelled = await ApiStack.WaitForRunJsonAsync(client, location, r => r.GetProperty("status").GetString() == "Cancelled");
        Assert.Equal(JsonValueKind.String, cancelled.GetProperty("completedAt").ValueKind);

        using var again = await client.PostAsync($"api/runs/{activeId}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var notActive = await again.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json);
        Assert.Contains("Cancelled", notActive.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("POST", "api/marts/nope/runs", HttpStatusCode.NotFound, "No mart is named 'nope'")]
    [InlineData("POST", "api/marts/Sample/runs", HttpStatusCode.NotFound, "case-sensitive")]
    [InlineData("GET", "api/runs/not-a-guid", HttpStatusCode.NotFound, "is not a run id")]
    [InlineData("GET", "api/runs/7d7c1f1e-6a4e-4f55-9a38-2f1f0f0f0f0f", HttpStatusCode.NotFound, "No run has the id 7d7c1f1e")]
    [InlineData("POST", "api/runs/7d7c1f1e-6a4e-4f55-9a38-2f1f0f0f0f0f/cancel", HttpStatusCode.NotFound, "No run has the id")]
    [InlineData("GET", "api/runs?status=Done", HttpStatusCode.BadRequest, "expected one of Queued, Submitting, Running")]
    [InlineData("GET", "api/runs?status=3", HttpStatusCode.BadRequest, "not a run status")]
    [InlineData("GET", "api/runs?limit=0", HttpStatusCode.BadRequest, "from 1 to 1000")]
    [InlineData("GET", "api/runs?limit=many", HttpStatusCode.BadRequest, "from 1 to 1000")]
    public async Task Request_ReturnsAProblemWithAUsefulDetail_WhenInputIsWrong(string method, string path, HttpStatusCode expected, string detail)
    {
        await using var stack = await ApiStack.StartAsync(nameof(ApiEndpointsTests));
        using var client = stack.Client();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(ApiStack.Json);
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.Contains(detail, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRuns_FiltersByMartAndStatus_NewestFirstWithinTheLimit()
    {
        await using var stack = await ApiStack.StartAsync(nameof(ApiEndpointsTests));
        using var client = stack.Client();
        var one = await stack.Harness.StartRunAsync("sample");
        await stack.Harness.WaitForTerminalAsync(one.RunId);
        var two = await stack.Harness.StartRunAsync("sample");
        await stack.Harness.WaitForTerminalAsync(two.RunId);
        var slow = await stack.Harness.StartRunAsync("slow");

        var all = await client.GetFromJsonAsync<JsonElement>("api/runs", ApiStack.Json);
        var sample = await client.GetFromJsonAsync<JsonElement>("api/runs?mart=sample&status=succeeded", ApiStack.Json);
        var limited = await client.GetFromJsonAsync<JsonElement>("api/runs?mart=sample&limit=1", ApiStack.Json);
        var none = await client.GetFromJsonAsync<JsonElement>("api/runs?mart=slow&status=Succeeded", ApiStack.Json);

        Assert.Equal([slow.RunId, two.RunId, one.RunId], all.EnumerateArray().Select(r => r.GetProperty("runId").GetGuid()));
        Assert.Equal([two.RunId, one.RunId], sample.EnumerateArray().Select(r => r.GetProperty("runId").GetGuid()));
        Assert.Equal([two.RunId], limited.EnumerateArray().Select(r => r.GetProperty("runId").GetGuid()));
        Assert.Empty(none.EnumerateArray());
    }
}
