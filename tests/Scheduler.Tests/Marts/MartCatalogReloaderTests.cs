using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Scheduler.Marts;
using Scheduler.Marts.Live;
using Scheduler.Testing;

namespace Scheduler.Tests.Marts;

public sealed class MartCatalogReloaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("scheduler-reload-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Rescan_PicksUpANewDefinition_WhenTheIntervalPassesWithoutAFileEvent()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = "Host=127.0.0.1;Database=x",
            ["Redshift:Region"] = "eu-west-1",
            ["Redshift:WorkgroupName"] = "wg",
            ["Redshift:Database"] = "dev",
            ["Sql:Root"] = _root,
        }).Build();
        var time = new FakeTimeProvider();
        var catalog = new LiveMartCatalog(MartConfiguration.Read(configuration, _root), time, NullLogger<LiveMartCatalog>.Instance);
        // No watcher: only the fake clock can make it look again.
        var settings = new MartReloadSettings(StrictStartup: false, RescanInterval: TimeSpan.FromSeconds(5), WatchFiles: false);
        using var sut = new MartCatalogReloader(catalog, configuration, settings, time, NullLogger<MartCatalogReloader>.Instance);
        await sut.StartAsync(CancellationToken.None);

        await File.WriteAllTextAsync(Path.Combine(_root, "daily.sql"), "SELECT 1;", CancellationToken.None);
        await File.WriteAllTextAsync(Path.Combine(_root, "daily.mart.json"), """{ "Cron": "0 3 * * *" }""", CancellationToken.None);
        Assert.Null(catalog.Find("daily"));

        // Advance until a rescan has run (the loop may not be waiting yet when the first advance happens).
        await Eventually.HoldsAsync(() =>
        {
            var found = catalog.Find("daily") is not null;
            if (!found)
            {
                time.Advance(TimeSpan.FromSeconds(5));
            }

            return found;
        }, "a rescan on the fake clock loads the new mart", interval: TimeSpan.FromMilliseconds(20));

        Assert.Equal("0 3 * * *", catalog.Find("daily")?.Cron);
        await sut.StopAsync(CancellationToken.None);
    }
}
