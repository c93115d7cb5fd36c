using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Runs;
using Scheduler.Runs.Store;
using Scheduler.Testing;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Marts;

/// <summary>
/// Pause and resume against real PostgreSQL and the real Hangfire server. Cron firing is driven through Hangfire's own
/// "trigger now" of the recurring job (the same job a cron slot creates), so nothing waits for a clock.
/// </summary>
public sealed class PauseTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("scheduler-pause-").FullName;

    public PauseTests() => File.WriteAllText(Path.Combine(_root, "sample.sql"), "SELECT 1;");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static Dictionary<string, string?> Marts() => new()
    {
        // Once a year: it never fires by itself during the test.
        ["Marts:nightly:SqlFile"] = "sample.sql",
        ["Marts:nightly:Cron"] = "0 0 1 1 *",
        ["Marts:off:SqlFile"] = "sample.sql",
        ["Marts:off:Enabled"] = "false",
        ["Marts:manual:SqlFile"] = "sample.sql",
    };

    /// <summary>Fires the mart's recurring job now and waits until Hangfire has performed it.</summary>
    private static async Task FireCronAsync(LiveMartsHost host)
    {
        var jobId = host.Services.GetRequiredService<IRecurringJobManagerV2>().TriggerJob("mart:nightly");
        Assert.NotNull(jobId);
        var storage = host.Services.GetRequiredService<JobStorage>();
        await Eventually.HoldsAsync(() =>
        {
            using var connection = storage.GetConnection();
            return Task.FromResult(connection.GetJobData(jobId)?.State == "Succeeded");
        }, $"the cron trigger job {jobId} succeeded");
    }

    private static async Task<IReadOnlyList<RunSummary>> RunsAsync(LiveMartsHost host) =>
        await host.Services.GetRequiredService<IRunQueries>().ListAsync("nightly", null, 10, CancellationToken.None);

    [Fact]
    public async Task PausedMart_FiresNoCronRunAcrossARestart_AndFiresAgainAfterResume()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("marts_pause");
        var host = await LiveMartsHost.StartAsync(connectionString, _root, Marts());
        try
        {
            var paused = await host.Client.PostAsync("api/marts/nightly/pause", null);
            Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
            var mart = (await host.GetMartAsync("nightly"))!.Value;
            Assert.True(mart.GetProperty("paused").GetBoolean());
            Assert.Equal(JsonValueKind.Null, mart.GetProperty("nextFireAt").ValueKind);

            await FireCronAsync(host);
            Assert.Empty(await RunsAsync(host));
        }
        finally
        {
            await host.DisposeAsync();
        }

        // A new process on the same database: the pause is still there.
        host = await LiveMartsHost.StartAsync(connectionString, _root, Marts());
        try
        {
            Assert.True((await host.GetMartAsync("nightly"))!.Value.GetProperty("paused").GetBoolean());
            Assert.NotNull(host.RecurringJob("mart:nightly"));
            await FireCronAsync(host);
            Assert.Empty(await RunsAsync(host));

            Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsync("api/marts/nightly/resume", null)).StatusCode);
            Assert.False((await host.GetMartAsync("nightly"))!.Value.GetProperty("paused").GetBoolean());
            await FireCronAsync(host);

            var run = Assert.Single(await RunsAsync(host));
            Assert.Equal(RunTrigger.Cron, run.Trigger);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task Triggers_FollowPausesAndEnabled_ManualOnPausedMartGlobalPauseAndDisabledMart()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("marts_gate");
        await using var host = await LiveMartsHost.StartAsync(connectionString, _root, Marts());
        var client = host.Client;

        // A disabled mart cannot be triggered, and the answer says why.
        var disabled = await client.PostAsync("api/marts/off/runs", null);
        Assert.Equal(HttpStatusCode.Conflict, disabled.StatusCode);
        Assert.Contains("disabled", (await disabled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Global pause: nothing starts, manual runs included; the banner shows on the Marts page.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("api/pause", null)).StatusCode);
        Assert.True((await client.GetFromJsonAsync<JsonElement>("api/pause")).GetProperty("paused").GetBoolean());
        var refused = await client.PostAsync("api/marts/manual/runs", null);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("scheduler is paused", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("global-pause", await host.GetMartsPageAsync(), StringComparison.Ordinal);
        // Hangfire's own pages get the banner from a script bundled into Hangfire's.
        var recurring = await client.GetStringAsync("hangfire/recurring");
        var scripts = System.Text.RegularExpressions.Regex.Matches(recurring, "<script src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        var bundles = await Task.WhenAll(scripts.Select(src => client.GetStringAsync(src.TrimStart('/'))));
        Assert.Contains(bundles, js => js.Contains("global-pause-banner", StringComparison.Ordinal));
        await FireCronAsync(host);
        Assert.Empty(await RunsAsync(host));

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("api/resume", null)).StatusCode);
        Assert.DoesNotContain("global-pause", await host.GetMartsPageAsync(), StringComparison.Ordinal);

        // A paused mart still runs by hand.
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("api/marts/manual/pause", null)).StatusCode);
        var manual = await client.PostAsync("api/marts/manual/runs", null);
        Assert.Equal(HttpStatusCode.Accepted, manual.StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("api/marts/nosuch/pause", null)).StatusCode);
    }
}
