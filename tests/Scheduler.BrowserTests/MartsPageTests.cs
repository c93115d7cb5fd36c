using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Scheduler.Runs;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;

namespace Scheduler.BrowserTests;

/// <summary>The Marts pages in Chromium against the real service, Hangfire server and emulator.</summary>
[Collection(ChromiumTests.Name)]
public sealed partial class MartsPageTests(ChromiumFixture chromium)
{
    private const string SampleSql = """
        -- The sample's shape: rebuild a summary table from orders.
        create temp table order_totals as select customer_id, count(*) as orders from orders group by customer_id;
        select count(*) from order_totals;
        """;

    private static readonly Dictionary<string, string> s_sql = new()
    {
        ["sample.sql"] = SampleSql,
        ["slow.sql"] = "/* emulator: sleep=60 */ select 1",
        ["params.sql"] = "select :region as region, :run_date as run_date;",
    };

    private static readonly LocatorAssertionsToHaveAttributeOptions s_long = new() { Timeout = 60_000 };

    [Fact]
    public async Task RunNow_StartsARunThatReachesSucceededOnItsRunPage_WithItsSubStatements()
    {
        await using var host = await StartAsync(BrowserHost.Users(("alice", "alice-pw", "Admin")));
        await using var context = await NewContextAsync(host, "alice", "alice-pw");
        var page = await context.NewPageAsync();

        await page.GotoAsync("hangfire/marts");
        await Assertions.Expect(page.Locator(".navbar a", new() { HasText = "Marts" })).ToBeVisibleAsync();
        var row = page.Locator("tr[data-mart='sample']");
        await Assertions.Expect(row).ToContainTextAsync("At 03:00, every day");
        await Assertions.Expect(row).ToContainTextAsync("0 3 * * *");
        await Assertions.Expect(row).ToContainTextAsync("Europe/Berlin");
        await row.Locator("button.run-now").ClickAsync();

        await page.WaitForURLAsync(RunPageUrl(), new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator(".lead .run-status")).ToHaveAttributeAsync("data-status", "Succeeded", s_long);
        await Assertions.Expect(page.Locator("table.sub-statements tbody tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("table.sub-statements .sub-status").First).ToHaveTextAsync("FINISHED");
        await Assertions.Expect(page.Locator(".statement-id")).Not.ToHaveTextAsync("–");
        await Assertions.Expect(page.Locator("button.cancel-run")).ToHaveCountAsync(0);
        var runShot = Path.Combine(Artifacts.Screenshots, "run-succeeded.png");
        await page.ScreenshotAsync(new() { Path = runShot, FullPage = true });

        await page.GotoAsync("hangfire/marts");
        await Assertions.Expect(row.Locator(".run-status")).ToHaveAttributeAsync("data-status", "Succeeded");
        var marts = Path.Combine(Artifacts.Screenshots, "marts.png");
        await page.ScreenshotAsync(new() { Path = marts, FullPage = true });
        Artifacts.PublishToDocs(marts, "marts.png");
        Artifacts.PublishToDocs(runShot, "run.png");
    }

    [Fact]
    public async Task RunForm_StartsARunForTheGivenDateAndParameter_AndNamesABadField()
    {
        await using var host = await StartAsync(new Dictionary<string, string?>());
        await using var context = await NewContextAsync(host);
        var page = await context.NewPageAsync();

        await page.GotoAsync("hangfire/marts");
        var row = page.Locator("tr[data-mart='params']");
        await row.Locator("details.run-with summary").ClickAsync();
        var form = row.Locator("form.run-form");
        await Assertions.Expect(form.Locator("input[name='parameters.region']")).ToHaveValueAsync("eu");
        await Assertions.Expect(form.Locator("input[name='logicalDate']")).Not.ToHaveValueAsync("");

        await form.Locator("input[name='logicalDate']").FillAsync("yesterday");
        await form.Locator("button.run-with-submit").ClickAsync();
        await Assertions.Expect(page.Locator("#scheduler-outcome")).ToContainTextAsync("logicalDate: expected");

        await form.Locator("input[name='logicalDate']").FillAsync("2026-12-01T06:00");
        await form.Locator("input[name='parameters.region']").FillAsync("us");
        await form.Locator("input[name='downstream']").CheckAsync();
        await form.Locator("button.run-with-submit").ClickAsync();

        await page.WaitForURLAsync(RunPageUrl(), new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator(".lead .run-status")).ToHaveAttributeAsync("data-status", "Succeeded", s_long);
        await Assertions.Expect(page.Locator(".run-logical-date")).ToContainTextAsync("2026-12-01 06:00 (+01:00) Europe/Berlin");
        await Assertions.Expect(page.Locator(".run-logical-date")).ToContainTextAsync("2026-12-01 05:00:00 UTC");
        await Assertions.Expect(page.Locator("tr[data-parameter='region'] .parameter-value")).ToHaveTextAsync("us");
        await Assertions.Expect(page.Locator("tr[data-parameter='run_date'] .parameter-value")).ToHaveTextAsync("2026-12-01");
        await Assertions.Expect(page.Locator(".run-trigger")).ToContainTextAsync("manual");
        var run = await host.Services.GetRequiredService<IRunQueries>().ListAsync("params", null, 10, CancellationToken.None);
        Assert.True(Assert.Single(run).Downstream);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Screenshots, "run-for-a-date.png"), FullPage = true });
    }

    [Fact]
    public async Task Cancel_EndsALongRunningRunAsCancelled()
    {
        await using var host = await StartAsync(new Dictionary<string, string?>());
        await using var context = await NewContextAsync(host);
        var page = await context.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();

        await page.GotoAsync("hangfire/marts");
        await page.Locator("tr[data-mart='slow'] button.run-now").ClickAsync();
        await page.WaitForURLAsync(RunPageUrl(), new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator(".lead .run-status")).ToHaveAttributeAsync("data-status", "Running", s_long);
        await page.Locator("button.cancel-run").ClickAsync();

        await Assertions.Expect(page.Locator("#scheduler-outcome")).ToContainTextAsync("Cancelling run");
        await Assertions.Expect(page.Locator(".lead .run-status")).ToHaveAttributeAsync("data-status", "Cancelled", s_long);
        await Assertions.Expect(page.Locator(".run-error")).ToContainTextAsync("Cancelled on request");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Screenshots, "run-cancelled.png"), FullPage = true });
    }

    [Fact]
    public async Task RunNow_SaysTheRunWasSkipped_WhenAnotherRunOfTheMartIsActive()
    {
        await using var host = await StartAsync(new Dictionary<string, string?>());
        var active = await host.Services.GetRequiredService<IRunTrigger>().TriggerAsync("slow", RunTrigger.Manual, CancellationToken.None);
        await using var context = await NewContextAsync(host);
        var page = await context.NewPageAsync();

        await page.GotoAsync("hangfire/marts");
        await page.Locator("tr[data-mart='slow'] button.run-now").ClickAsync();

        await Assertions.Expect(page.Locator("#scheduler-outcome")).ToContainTextAsync($"Skipped: run {active.Run!.RunId:D} of mart 'slow' is still active.");
        await Assertions.Expect(page.Locator("#scheduler-outcome")).ToHaveClassAsync(new Regex("alert-warning"));
    }

    [Fact]
    public async Task Viewer_SeesTheMartsAndRunsWithoutAnyEnabledButton()
    {
        await using var host = await StartAsync(BrowserHost.Users(("alice", "alice-pw", "Admin"), ("victor", "victor-pw", "Viewer")));
        var active = await host.Services.GetRequiredService<IRunTrigger>().TriggerAsync("slow", RunTrigger.Manual, CancellationToken.None);
        await using var context = await NewContextAsync(host, "victor", "victor-pw");
        var page = await context.NewPageAsync();

        await page.GotoAsync("hangfire/marts");
        await Assertions.Expect(page.Locator("button.run-now")).ToHaveCountAsync(3); // sample, slow, params
        await Assertions.Expect(page.Locator("button:not([disabled])[data-scheduler-command]")).ToHaveCountAsync(0);
        await page.GotoAsync($"hangfire/marts/runs/{active.Run!.RunId:D}");
        await Assertions.Expect(page.Locator("button.cancel-run")).ToBeDisabledAsync();
        await page.GotoAsync("hangfire/recurring");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("sample");
        await Assertions.Expect(page.Locator("button.js-jobs-list-command:not([disabled])")).ToHaveCountAsync(0);

        // Even a hand-made request with the viewer's own valid token is refused.
        var token = await AntiforgeryAsync(page);
        var response = await page.APIRequest.PostAsync("hangfire/marts/sample/run", new() { Headers = token });
        Assert.Equal(403, response.Status);
    }

    [Fact]
    public async Task Command_IsRefused_WhenItCarriesNoAntiforgeryToken()
    {
        await using var host = await StartAsync(BrowserHost.Users(("alice", "alice-pw", "Admin")));
        await using var context = await NewContextAsync(host, "alice", "alice-pw");
        var page = await context.NewPageAsync();
        await page.GotoAsync("hangfire/marts");

        var forged = await page.APIRequest.PostAsync("hangfire/marts/sample/run");
        var runsAfterForgery = await host.Services.GetRequiredService<IRunQueries>().ListAsync("sample", null, 10, CancellationToken.None);
        var genuine = await page.APIRequest.PostAsync("hangfire/marts/sample/run", new() { Headers = await AntiforgeryAsync(page) });

        Assert.Equal(403, forged.Status);
        Assert.Empty(runsAfterForgery);
        Assert.Equal(200, genuine.Status);
        Assert.Contains("\"outcome\":\"started\"", await genuine.TextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangfireRecurringJobsPage_KeepsWorking_AndListsTheMartsSchedule()
    {
        await using var host = await StartAsync(new Dictionary<string, string?>());
        await using var context = await NewContextAsync(host);
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("hangfire/recurring");

        Assert.Equal(200, response?.Status);
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("sample");
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("0 3 * * *");
    }

    [Fact]
    public async Task BackfillForm_StartsABackfill_WhoseProgressPageShowsEveryDateFinished()
    {
        await using var host = await StartAsync(BrowserHost.Users(("alice", "alice-pw", "Admin")));
        await using var context = await NewContextAsync(host, "alice", "alice-pw");
        var page = await context.NewPageAsync();

        await page.GotoAsync("hangfire/marts");
        await page.Locator("tr[data-mart='sample'] a.backfill-mart").ClickAsync();
        await page.Locator("#backfill-from").FillAsync("2026-11-01");
        await page.Locator("#backfill-to").FillAsync("2026-11-03");
        await page.Locator("#backfill-rerun").SelectOptionAsync("all");
        await page.Locator("button.backfill-submit").ClickAsync();

        await page.WaitForURLAsync(new Regex("/hangfire/marts/backfills/[0-9a-f-]{36}$"), new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("table.backfill-dates tbody tr")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("table.backfill-dates tbody tr").First).ToContainTextAsync("2026-11-01 03:00 (+01:00)");
        await Assertions.Expect(page.Locator(".lead .backfill-status")).ToHaveAttributeAsync("data-status", "Completed", s_long);
        await Assertions.Expect(page.Locator("table.backfill-dates tr[data-state='Finished']")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("table.backfill-dates .run-status[data-status='Succeeded']")).ToHaveCountAsync(3);
        var shot = Path.Combine(Artifacts.Screenshots, "backfill.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Artifacts.PublishToDocs(shot, "backfill.png");
    }

    private static Task<BrowserHost> StartAsync(Dictionary<string, string?> settings)
    {
        settings["Marts:sample:SqlFile"] = "sample.sql";
        settings["Marts:sample:Cron"] = "0 3 * * *";
        settings["Marts:sample:TimeZone"] = "Europe/Berlin";
        settings["Marts:sample:Poll:InitialInterval"] = "00:00:01";
        settings["Marts:sample:Poll:MaxInterval"] = "00:00:02";
        settings["Marts:params:SqlFile"] = "params.sql";
        settings["Marts:params:TimeZone"] = "Europe/Berlin";
        settings["Marts:params:Parameters:region"] = "eu";
        settings["Marts:params:Poll:InitialInterval"] = "00:00:01";
        settings["Marts:params:Poll:MaxInterval"] = "00:00:02";
        settings["Marts:slow:SqlFile"] = "slow.sql";
        settings["Marts:slow:Poll:InitialInterval"] = "00:00:01";
        settings["Marts:slow:Poll:MaxInterval"] = "00:00:02";
        return BrowserHost.StartAsync(nameof(MartsPageTests), settings, s_sql);
    }

    private async Task<IBrowserContext> NewContextAsync(BrowserHost host, string? user = null, string? password = null)
    {
        var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            HttpCredentials = user is null ? null : new HttpCredentials { Username = user, Password = password! },
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        return context;
    }

    private static async Task<Dictionary<string, string>> AntiforgeryAsync(IPage page)
    {
        var header = await page.Locator("meta[name='csrf-header']").GetAttributeAsync("content");
        var token = await page.Locator("meta[name='csrf-token']").GetAttributeAsync("content");
        return new Dictionary<string, string> { [header!] = token! };
    }

    [GeneratedRegex("/hangfire/marts/runs/[0-9a-f-]{36}$")]
    private static partial Regex RunPageUrl();
}
