using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Scheduler.Security;

namespace Scheduler.Tests.Security;

public sealed class LoginFailureLogTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ListLogger _logger = new();

    [Fact]
    public void Failed_LogsTheFirstAtOnceAndSumsUpTheRest_WhenAStormArrives()
    {
        using var log = new LoginFailureLog(_logger, _time);

        for (var i = 0; i < 50; i++)
        {
            log.Failed("alice", "198.51.100.1");
        }

        for (var i = 0; i < 7; i++)
        {
            log.Throttled("alice", "198.51.100.1");
        }

        var beforeWindow = _logger.Lines.ToList();
        _time.Advance(LoginFailureLog.Window);

        var line = Assert.Single(beforeWindow);
        Assert.StartsWith("Warning Failed login for user 'alice' from 198.51.100.1", line, StringComparison.Ordinal);
        Assert.Equal(2, _logger.Lines.Count);
        Assert.Equal("Warning 56 more failed login(s) for user 'alice' from 198.51.100.1 in the last 00:01:00 (7 answered 429 without a password check)", _logger.Lines[1]);
    }

    [Fact]
    public void Failed_LogsAtOnceAgain_WhenANewWindowStarts()
    {
        using var log = new LoginFailureLog(_logger, _time);
        log.Failed("alice", "198.51.100.1");
        _time.Advance(LoginFailureLog.Window);

        log.Failed("alice", "198.51.100.1");
        log.Failed("bob", "198.51.100.1");

        Assert.Equal(3, _logger.Lines.Count(l => l.StartsWith("Warning Failed login", StringComparison.Ordinal)));
    }

    [Fact]
    public void Failed_SumsUpBeyondTheTrackedPairs_WhenNamesAreRandom()
    {
        using var log = new LoginFailureLog(_logger, _time);

        for (var i = 0; i < LoginFailureLog.MaxPairs + 500; i++)
        {
            log.Failed($"user{i}", "198.51.100.1");
        }

        _time.Advance(LoginFailureLog.Window);

        Assert.Equal(LoginFailureLog.MaxPairs + 1, _logger.Lines.Count);
        Assert.Contains("500 failed login(s) of 500 further user/address pair(s)", _logger.Lines[^1], StringComparison.Ordinal);
    }

    private sealed class ListLogger : ILogger<LoginFailureLog>
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add($"{logLevel} {formatter(state, exception)}");
            }
        }
    }
}
