using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Scheduler.Pausing;

namespace Scheduler.BrowserTests;

/// <summary>The Marts page's Pause and Resume buttons (one mart, and everything) in Chromium against the real service.</summary>
[Collection(ChromiumTests.Name)]
public sealed class PauseButtonsTests(ChromiumFixture chromium)
{
    [Fact]
    public async Task PauseAndResume_ChangeTheMartAndTheWholeScheduler_AndSaySo()
    {
        await using var host = await BrowserHost.StartAsync(nameof(PauseButtonsTests),
            new Dictionary<string, string?>(BrowserHost.Users(("alice", "alice-pw", "Admin")))
            {
                ["Marts:sample:SqlFile"] = "sample.sql",
                ["Marts:sample:Cron"] = "0 3 * * *",
            },
            new Dictionary<string, string> { ["sample.sql"] = "select 1;" });
        await using var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            HttpCredentials = new HttpCredentials { Username = "alice", Password = "alice-pw" },
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        var page = await context.NewPageAsync();
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();
        var store = host.Services.GetRequiredService<PauseStore>();
        await page.GotoAsync("hangfire/marts");
        var row = page.Locator("tr[data-mart='sample']");

        // One mart.
        await row.Locator("button.pause-mart").ClickAsync();
        await Assertions.Expect(page.Locator("#scheduler-outcome")).ToContainTextAsync("Paused mart 'sample'");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-paused", "true");
        await Assertions.Expect(row.Locator(".mart-paused")).ToBeVisibleAsync();
        await Assertions.Expect(row.Locator(".paused-note")).ToContainTextAsync("Run now still works");
        await Assertions.Expect(row.Locator("button.run-now")).ToBeEnabledAsync();
        Assert.NotNull((await store.GetAsync(CancellationToken.None)).For("sample"));
        Assert.Equal("alice", (await store.GetAsync(CancellationToken.None)).For("sample")!.PausedBy);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Screenshots, "mart-paused.png"), FullPage = true });

        await row.Locator("button.resume-mart").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-paused", "false");
        await Assertions.Expect(row.Locator("button.pause-mart")).ToBeVisibleAsync();
        Assert.Null((await store.GetAsync(CancellationToken.None)).For("sample"));

        // Everything: the banner says what a global pause means, and its Resume ends it.
        await page.Locator("button.pause-all").ClickAsync();
        await Assertions.Expect(page.Locator(".global-pause")).ToContainTextAsync("no new run of any mart starts");
        Assert.NotNull((await store.GetAsync(CancellationToken.None)).Global);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Artifacts.Screenshots, "global-pause.png"), FullPage = true });
        await page.GotoAsync("hangfire/marts/runs");
        await Assertions.Expect(page.Locator(".global-pause")).ToBeVisibleAsync();
        // Hangfire's own pages carry the banner too.
        await page.GotoAsync("hangfire/recurring");
        await Assertions.Expect(page.Locator(".global-pause-banner")).ToContainTextAsync("no new run of any mart starts");
        await Assertions.Expect(page.Locator(".global-pause-banner")).ToContainTextAsync("by alice");

        await page.GotoAsync("hangfire/marts");
        await page.Locator("button.resume-all").ClickAsync();
        await Assertions.Expect(page.Locator("button.pause-all")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".global-pause")).ToHaveCountAsync(0);
        Assert.Null((await store.GetAsync(CancellationToken.None)).Global);
    }
}
