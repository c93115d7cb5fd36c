using Microsoft.Playwright;

namespace Scheduler.BrowserTests;

/// <summary>Hangfire's pages and ours work under the service's Content-Security-Policy: nothing is refused.</summary>
[Collection(ChromiumTests.Name)]
public sealed class ContentSecurityPolicyTests(ChromiumFixture chromium)
{
    private static readonly Dictionary<string, string> s_sql = new() { ["sample.sql"] = "select 1;" };

    [Fact]
    public async Task DashboardPages_RaiseNoCspViolation_WhenBrowsedAndRunNowIsPressed()
    {
        var settings = BrowserHost.Users(("alice", "alice-pw", "Admin"));
        settings["Marts:sample:SqlFile"] = "sample.sql";
        await using var host = await BrowserHost.StartAsync(nameof(ContentSecurityPolicyTests), settings, s_sql);
        await using var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            HttpCredentials = new HttpCredentials { Username = "alice", Password = "alice-pw" },
        });
        // Collected by the page itself: every violation fires this event, whatever the console shows.
        await context.AddInitScriptAsync(
            "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', function (e) { window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI); });");
        var page = await context.NewPageAsync();
        var console = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") { console.Add(message.Text); } };
        page.PageError += (_, error) => console.Add(error);

        var violations = new List<string>();
        foreach (var path in new[] { "hangfire", "hangfire/jobs/enqueued", "hangfire/recurring", "hangfire/servers", "hangfire/marts/runs", "hangfire/marts" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response?.Status);
            Assert.Equal("DENY", await response!.HeaderValueAsync("x-frame-options"));
            violations.AddRange((await page.EvaluateAsync<string[]>("window.__cspViolations")).Select(v => $"{path}: {v}"));
        }

        await page.Locator("tr[data-mart='sample'] button.run-now").ClickAsync();
        await Assertions.Expect(page.Locator("#scheduler-outcome")).ToContainTextAsync("Started run");
        violations.AddRange(await page.EvaluateAsync<string[]>("window.__cspViolations"));

        Assert.Empty(violations);
        Assert.DoesNotContain(console, line => line.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }
}
