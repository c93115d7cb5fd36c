using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Scheduler.Marts.Live;

/// <summary>
/// Keeps <see cref="LiveMartCatalog"/> in step with configuration (appsettings reload on change), the definition files
/// and the SQL files: a change is noticed by a file watcher or a configuration reload token and applied after a short
/// pause that gathers a burst of events, and everything is re-read every <see cref="MartReloadSettings.RescanInterval"/>
/// anyway, because watchers miss events on some file systems (network mounts, some container volumes).
/// </summary>
public sealed partial class MartCatalogReloader(
    LiveMartCatalog catalog,
    IConfiguration configuration,
    MartReloadSettings settings,
    TimeProvider timeProvider,
    ILogger<MartCatalogReloader> logger) : BackgroundService
{
    /// <summary>How long after the first event of a burst the reload starts, so one save is one reload.</summary>
    public static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(200);

    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
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
        while (!stoppingToken.IsCancellationRequested)
        {
            using (var rescan = new CancellationTokenSource(settings.RescanInterval, timeProvider))
            using (var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, rescan.Token))
            {
                try
                {
                    await _signals.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                    _signals.Reader.TryRead(out _);
                    await Task.Delay(Debounce, timeProvider, stoppingToken).ConfigureAwait(false);
                    _signals.Reader.TryRead(out _);
                }
                catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
                {
                    // The rescan interval passed without an event: re-read anyway.
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            try
            {
                ReloadNow();
            }
#pragma warning disable CA1031 // A reload that fails must not stop reloading; the last catalog stays in force.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogReloadFailed(logger, ex);
            }
        }
    }

    private void Signal() => _signals.Writer.TryWrite(true);

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

    [LoggerMessage(EventId = 1710, Level = LogLevel.Error, Message = "Reloading the marts failed; the last ones stay in force")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1711, Level = LogLevel.Warning, Message = "Watching Sql:Root failed ({Error}); changes are still found by the periodic rescan")]
    private static partial void LogWatcherError(ILogger logger, string error);
}
