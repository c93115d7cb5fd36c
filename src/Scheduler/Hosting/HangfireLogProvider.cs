using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace Scheduler.Hosting;

/// <summary>
/// Hangfire's log provider is process-wide (a static), so it points at the last host configured. When several hosts
/// share a process (tests) and that host has stopped, its logger factory is disposed: Hangfire code creating a logger
/// for another, running host must then get a silent logger rather than an <see cref="ObjectDisposedException"/>.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _inner = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return SilentLog.Instance;
        }
    }

    private sealed class SilentLog : ILog
    {
        public static readonly SilentLog Instance = new();

        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
