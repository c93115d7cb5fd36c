using Microsoft.Playwright;
using Scheduler.Testing;

namespace Scheduler.BrowserTests;

/// <summary>Mart dependencies in Chromium: Run with downstream on the Marts page, the graph page, the run page's links.</summary>
[Collection(ChromiumTests.Name)]
public sealed class GraphPageTests(ChromiumFixture chromium)
{
    private static readonly Dictionary<string, string> s_sql = new()
    {
        ["a.sql"] = "select 1",
        ["b.sql"] = "select 2",
        ["c.sql"] = "select 3",
    };

    [Fact]
    public async Task RunWithDownstream_RunsTheChain_AndTheGraphPageDrawsItWithEachLatestStatus()
    {
        var settings = new Dictionary<string, string?>();
        foreach (var mart in new[] { "a", "b", "c" })
        {
            settings[$"Marts:{mart}:SqlFile"] = $"{mart}.sql";
            settings[$"Marts:{mart}:Poll:InitialInterval"] = "00:00:01";
            settings[$"Marts:{mart}:Poll:MaxInterval"] = "00:00:02";
        }

        settings["Marts:b:DependsOn:0"] = "a";
        settings["Marts:c:DependsOn:0"] = "b";
        await using var host = await BrowserHost.StartAsync(nameof(GraphPageTests), settings, s_sql);
        await using var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        var page = await context.NewPageAsync();

        await page.GotoAsync("hangfire/marts");
        var a = page.Locator("tr[data-mart='a']");
        await Assertions.Expect(a.Locator(".mart-dependants")).ToContainTextAsync("b");
        await Assertions.Expect(page.Locator("tr[data-mart='c'] .mart-upstreams")).ToContainTextAsync("b");
        await Assertions.Expect(page.Locator("tr[data-mart='c'] button.run-downstream")).ToHaveCountAsync(0); // nothing depends on c
        await a.Locator("button.run-downstream").ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/hangfire/marts/runs/[0-9a-f-]{36}$"));

        await page.GotoAsync("hangfire/marts/graph");
        await Assertions.Expect(page.Locator("svg.mart-graph .graph-node")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("svg.mart-graph .graph-edge")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("svg.mart-graph .graph-edge[data-from='a'][data-to='b']")).ToHaveCountAsync(1);
        await Eventually.HoldsAsync(async () =>
        {
            if (await page.Locator(".graph-node[data-mart='c']").GetAttributeAsync("data-status") == "Succeeded")
            {
                return true;
            }

            await page.ReloadAsync();
            return false;
        }, "the graph shows c's run Succeeded", TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(500));

        foreach (var mart in new[] { "a", "b", "c" })
        {
            await Assertions.Expect(page.Locator($".graph-node[data-mart='{mart}']")).ToHaveAttributeAsync("data-status", "Succeeded");
        }

        var shot = Path.Combine(Artifacts.Screenshots, "graph.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Artifacts.PublishToDocs(shot, "graph.png");

        // b's box links to its run, whose page links its upstream (a's run) and its downstream (c's run).
        await page.Locator(".graph-node[data-mart='b']").ClickAsync();
        await Assertions.Expect(page.Locator(".upstream-runs a.upstream-run")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".downstream-runs a.downstream-run")).ToHaveTextAsync("c");
    }
}
