using Microsoft.Playwright;

namespace Scheduler.BrowserTests;

[Collection(ChromiumTests.Name)]
public sealed class DashboardTests(ChromiumFixture chromium)
{
    private static readonly Dictionary<string, string> s_sql = new() { ["sample.sql"] = "select 1;" };

    [Fact]
    public async Task HangfireDashboard_RendersWithOurTitle_WhenAdminLogsInWithBasicCredentials()
    {
        var settings = BrowserHost.Users(("alice", "alice-pw", "Admin"));
        settings["Marts:sample:SqlFile"] = "sample.sql";
        await using var host = await BrowserHost.StartAsync(nameof(DashboardTests), settings, s_sql);
        await using var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            HttpCredentials = new HttpCredentials { Username = "alice", Password = "alice-pw" },
        });
        var page = await context.NewPageAsync();

        var response = await page.GotoAsync("hangfire");

        Assert.Equal(200, response?.Status);
        await Assertions.Expect(page.Locator(".navbar-brand")).ToContainTextAsync("Scheduler");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Artifacts.Screenshots, "hangfire-home.png"), FullPage = true });
    }

    [Fact]
    public async Task HangfireDashboard_AsksForCredentials_WhenBrowserHasNone()
    {
        var settings = BrowserHost.Users(("alice", "alice-pw", "Admin"));
        settings["Marts:sample:SqlFile"] = "sample.sql";
        await using var host = await BrowserHost.StartAsync(nameof(DashboardTests), settings, s_sql);
        await using var context = await chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = host.BaseAddress.ToString() });
        var page = await context.NewPageAsync();

        // Headless Chromium has nobody to ask for the password a 401 + WWW-Authenticate: Basic calls for.
        var ex = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync("hangfire"));

        Assert.Contains("ERR_INVALID_AUTH_CREDENTIALS", ex.Message, StringComparison.Ordinal);
    }
}
