using Microsoft.Playwright;

namespace Scheduler.BrowserTests;

/// <summary>
/// One headless Chromium for the test run: Debian's build at <c>CHROMIUM_PATH</c> (default <c>/usr/bin/chromium</c>),
/// driven by Playwright. Playwright's own browser download is never used (it cannot be fetched here).
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private static readonly string[] s_arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    /// <summary>
    /// How long a browser action or assertion waits (ms). Playwright's 5 s default is short for a round trip through
    /// the service, Hangfire and PostgreSQL on a loaded machine; every context and <c>Expect</c> uses this instead.
    /// </summary>
    public const float RoundTripTimeout = 30_000;

    private IPlaywright? _playwright;

    /// <summary>The launched browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The executable in use.</summary>
    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at '{ExecutablePath}'. Install Debian's build (apt-get install -y chromium) " +
                "or set CHROMIUM_PATH to a Chromium executable.");
        }

        Assertions.SetDefaultExpectTimeout(RoundTripTimeout);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = s_arguments,
            Timeout = 60_000,
        });
    }

    /// <summary>A browser context whose actions, navigations and waits use <see cref="RoundTripTimeout"/>.</summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions options)
    {
        var context = await Browser.NewContextAsync(options);
        context.SetDefaultTimeout(RoundTripTimeout);
        context.SetDefaultNavigationTimeout(RoundTripTimeout);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}

/// <summary>Browser tests share one Chromium and run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class ChromiumTests : ICollectionFixture<ChromiumFixture>
{
    public const string Name = "Chromium";
}
