using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Scheduler.Background;
using Scheduler.Hosting;

namespace Scheduler.Marts.Live;

/// <summary>
/// Keeps <see cref="LiveMartCatalog"/> in step with configuration (appsettings reload on change), the definition files
/// and the SQL files: a change is noticed by a file watcher or a configuration reload token and applied after a short
/// pause that gathers a burst of events, and everything is re-read every <see cref="MartReloadSettings.RescanInterval"/>
/// anyway, because watchers miss events on some file systems (network mounts, some container volumes).
/// </summary>
internal sealed partial class MartCatalogReloader(
    LiveMartCatalog catalog,
    IConfiguration configuration,
    MartReloadSettings settings,
    TimeProvider timeProvider,
    ILogger<MartCatalogReloader> logger) : BackgroundService
{
    /// <summary>How long after the first event of a burst the reload starts, so one save is one reload.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);

    private readonly PassSignal _signal = new();
    private FileSystemWatcher? _watcher;
    private string? _watchedRoot;

    /// <summary>How many reloads ran (for tests and diagnostics).</summary>
    public long Reloads => Interlocked.Read(ref _reloads);

    private long _reloads;

    /// <summary>Reads everything now and applies it; true when the catalog changed.</summary>
    public bool ReloadNow()
    {
        var result = MartConfiguration.Read(configuration, MartConfiguration.GetContentRoot(configuration));
        Interlocked.Increment(ref _reloads);
        EnsureWatcher(result.SqlRoot);
        return catalog.Apply(result);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _watcher?.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var configurationChanges = ChangeToken.OnChange(configuration.GetReloadToken, Signal);
        EnsureWatcher(MartConfiguration.ResolveSqlRoot(configuration, MartConfiguration.GetContentRoot(configuration)));
        // The catalog was read at start-up; the rescan re-reads even without an event, as watchers miss some. A failed
        // reload leaves the last catalog in force.
        await new BackgroundPass("Reloading the marts", settings.RescanInterval, timeProvider, logger)
        {
            FirstPassAtStart = false,
            Signal = _signal,
            Debounce = Debounce,
        }.RunAsync((_, _) =>
        {
            ReloadNow();
            return Task.CompletedTask;
        }, stoppingToken).ConfigureAwait(false);
    }

    private void Signal() => _signal.Wake();

    private void EnsureWatcher(string sqlRoot)
    {
        if (!settings.WatchFiles || string.Equals(_watchedRoot, sqlRoot, StringComparison.Ordinal) || !Directory.Exists(sqlRoot))
        {
            return;
        }

        try
        {
            var watcher = new FileSystemWatcher(sqlRoot)
            {
                IncludeSubdirectories = true,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += (_, _) => Signal();
            watcher.Created += (_, _) => Signal();
            watcher.Deleted += (_, _) => Signal();
            watcher.Renamed += (_, _) => Signal();
            watcher.Error += (_, e) =>
            {
                LogWatcherError(logger, e.GetException().Message);
                Signal();
            };
            watcher.EnableRaisingEvents = true;
            var old = Interlocked.Exchange(ref _watcher, watcher);
            old?.Dispose();
            _watchedRoot = sqlRoot;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or PlatformNotSupportedException)
        {
            // E.g. the inotify watch limit: the periodic rescan still picks every change up.
            LogWatcherError(logger, ex.Message);
        }
    }

    [LoggerMessage(EventId = 1711, Level = LogLevel.Warning, Message = "Watching Sql:Root failed ({Error}); changes are still found by the periodic rescan")]
    private static partial void LogWatcherError(ILogger logger, string error);
}
