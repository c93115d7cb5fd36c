using System.Text.Json;
using Scheduler.Testing;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Marts;

/// <summary>
/// A mart added, changed, broken, repaired and deleted while two instances run on one database and one Sql:Root: each
/// step shows in GET /api/marts and on the Marts page of both instances and in Hangfire's recurring jobs within the
/// issue's 10 s (the watcher sees it at once; the 1 s rescan is the safety net).
/// </summary>
public sealed class LiveReloadTests : IDisposable
{
    private static readonly TimeSpan s_within = TimeSpan.FromSeconds(10);
    private readonly string _root = Directory.CreateTempSubdirectory("scheduler-live-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string? Cron(JsonElement mart) => mart.GetProperty("cron").GetString();

    private static string Status(JsonElement mart) => mart.GetProperty("status").GetString()!;

    private Task WriteDefinitionAsync(string name, string json) => File.WriteAllTextAsync(Path.Combine(_root, "team", name + ".mart.json"), json);

    [Fact]
    public async Task DefinitionFile_AddedChangedBrokenRepairedDeleted_IsFollowedByBothInstancesAndHangfire()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("marts_live");
        Directory.CreateDirectory(Path.Combine(_root, "team"));
        await using var first = await LiveMartsHost.StartAsync(connectionString, _root);
        await using var second = await LiveMartsHost.StartAsync(connectionString, _root);
        LiveMartsHost[] both = [first, second];

        async Task EverywhereAsync(string what, Func<JsonElement?, bool> api, Func<string, bool> page, Func<Hangfire.Storage.RecurringJobDto?, bool> job)
        {
            foreach (var host in both)
            {
                await Eventually.HoldsAsync(async () => api(await host.GetMartAsync("daily")), $"GET /api/marts shows {what}", s_within);
                await Eventually.HoldsAsync(async () => page(await host.GetMartsPageAsync()), $"the Marts page shows {what}", s_within);
            }

            await Eventually.HoldsAsync(() => Task.FromResult(job(first.RecurringJob("mart:daily"))), $"Hangfire's recurring job matches {what}", s_within);
        }

        // Added.
        await File.WriteAllTextAsync(Path.Combine(_root, "team", "daily.sql"), "DELETE FROM t; INSERT INTO t SELECT 1;");
        await WriteDefinitionAsync("daily", """{ "Cron": "0 3 * * *", /* nightly */ }""");
        await EverywhereAsync("the new mart",
            m => m is { } d && Status(d) == "valid" && Cron(d) == "0 3 * * *" && d.GetProperty("sqlFile").GetString() == "team/daily.sql",
            html => html.Contains("data-mart=\"daily\"", StringComparison.Ordinal),
            j => j?.Cron == "0 3 * * *");

        // Changed: its cron.
        await WriteDefinitionAsync("daily", """{ "Cron": "0 4 * * *" }""");
        await EverywhereAsync("the new cron", m => m is { } d && Cron(d) == "0 4 * * *", html => html.Contains("0 4 * * *", StringComparison.Ordinal), j => j?.Cron == "0 4 * * *");

        // Broken: the last valid version stays in force, marked stale, with the problem and its line; a new broken mart is listed.
        await WriteDefinitionAsync("daily", "{\n  \"Cron\": \"every morning\"\n}");
        await WriteDefinitionAsync("fresh", """{ "Cron": "0 3 * * *", "Timeout": "forever" }""");
        await File.WriteAllTextAsync(Path.Combine(_root, "team", "fresh.sql"), "SELECT 1;");
        await EverywhereAsync("the stale mart",
            m => m is { } d && Status(d) == "stale" && Cron(d) == "0 4 * * *"
                && d.GetProperty("problems").EnumerateArray().Any(p => p.GetProperty("key").GetString() == "team/daily.mart.json:Cron"
                    && p.GetProperty("line").GetInt32() == 2 && p.GetProperty("value").GetString() == "every morning"),
            html => html.Contains("mart-stale", StringComparison.Ordinal) && html.Contains("every morning", StringComparison.Ordinal),
            j => j?.Cron == "0 4 * * *");
        foreach (var host in both)
        {
            await Eventually.HoldsAsync(async () => await host.GetMartAsync("fresh") is { } f && Status(f) == "invalid"
                && f.GetProperty("problems").EnumerateArray().Any(p => p.GetProperty("key").GetString() == "team/fresh.mart.json:Timeout"),
                "the new broken mart is listed with its problem", s_within);
        }

        Assert.Null(first.RecurringJob("mart:fresh"));
        var refused = await first.Client.PostAsync("api/marts/fresh/runs", null);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);

        // Repaired.
        await WriteDefinitionAsync("daily", """{ "Cron": "0 5 * * *" }""");
        await EverywhereAsync("the repaired mart",
            m => m is { } d && Status(d) == "valid" && Cron(d) == "0 5 * * *" && d.GetProperty("problems").GetArrayLength() == 0,
            html => html.Contains("0 5 * * *", StringComparison.Ordinal) && !html.Contains("mart-stale", StringComparison.Ordinal),
            j => j?.Cron == "0 5 * * *");

        // Deleted.
        File.Delete(Path.Combine(_root, "team", "daily.mart.json"));
        await EverywhereAsync("the mart gone", m => m is null, html => !html.Contains("data-mart=\"daily\"", StringComparison.Ordinal), j => j is null);
    }

    [Fact]
    public async Task AppSettingsChange_IsPickedUpWithoutRestart()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("marts_appsettings");
        await File.WriteAllTextAsync(Path.Combine(_root, "cfg.sql"), "SELECT 1;");
        var appsettings = Path.Combine(_root, "appsettings.json");
        await File.WriteAllTextAsync(appsettings, """{ "Marts": { "cfg": { "SqlFile": "cfg.sql", "Cron": "0 1 * * *" } } }""");
        // The content root is the Sql:Root here, so the host reads (and watches) this appsettings.json.
        await using var host = await LiveMartsHost.StartAsync(connectionString, _root);
        Assert.Equal("0 1 * * *", Cron((await host.GetMartAsync("cfg"))!.Value));

        await File.WriteAllTextAsync(appsettings, """{ "Marts": { "cfg": { "SqlFile": "cfg.sql", "Cron": "0 2 * * *" } } }""");

        await Eventually.HoldsAsync(async () => await host.GetMartAsync("cfg") is { } m && Cron(m) == "0 2 * * *", "the new cron from appsettings.json is served", s_within);
        await Eventually.HoldsAsync(() => Task.FromResult(host.RecurringJob("mart:cfg")?.Cron == "0 2 * * *"), "the recurring job follows appsettings.json", s_within);
    }
}
