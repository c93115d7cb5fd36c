using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Scheduler.Background;
using Scheduler.Hosting;

namespace Scheduler.Tests.Hosting;

/// <summary>
/// The one background-pass primitive, on a fake clock. The loop is known to be waiting once it has created its timer
/// (<see cref="TimerClock.WaitForTimerAsync"/>): only then does a test advance the clock or assert that no pass ran.
/// </summary>
[Trait("Category", "Fast")]
public sealed class BackgroundPassTests : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly TimerClock _clock = new();
    private readonly RecordingLogger<BackgroundPassTests> _logger = new();
    private readonly Channel<BackgroundPassReason> _passes = Channel.CreateUnbounded<BackgroundPassReason>();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            await _loop.WaitAsync(Patience);
        }

        _stop.Dispose();
    }

    [Fact]
    public async Task RunAsync_RunsAtStartThenOncePerInterval()
    {
        Start(Pass());

        Assert.Equal(BackgroundPassReason.Interval, await NextPassAsync());
        await _clock.WaitForTimerAsync();
        _clock.Advance(Interval - TimeSpan.FromTicks(1));
        Assert.False(_passes.Reader.TryRead(out _));

        _clock.Advance(TimeSpan.FromTicks(1));

        Assert.Equal(BackgroundPassReason.Interval, await NextPassAsync());
        await _clock.WaitForTimerAsync();
        Assert.False(_passes.Reader.TryRead(out _));
    }

    [Fact]
    public async Task RunAsync_WaitsAFirstInterval_WhenFirstPassAtStartIsFalse()
    {
        Start(Pass(firstPassAtStart: false));

        await _clock.WaitForTimerAsync();
        Assert.False(_passes.Reader.TryRead(out _));
        _clock.Advance(Interval);

        Assert.Equal(BackgroundPassReason.Interval, await NextPassAsync());
    }

    [Fact]
    public async Task RunAsync_PassesEarly_WhenTheSignalWakesIt_AndKeepsTheIntervalSchedule()
    {
        var signal = new PassSignal();
        Start(Pass(signal));
        Assert.Equal(BackgroundPassReason.Interval, await NextPassAsync());
        await _clock.WaitForTimerAsync();
        _clock.Advance(TimeSpan.FromSeconds(4));

        signal.Wake();

        Assert.Equal(BackgroundPassReason.Signal, await NextPassAsync());
        await _clock.WaitForTimerAsync();
        _clock.Advance(TimeSpan.FromSeconds(6)); // ten seconds after the first pass, not after the woken one
        Assert.Equal(BackgroundPassReason.Interval, await NextPassAsync());
    }

    [Fact]
    public async Task RunAsync_RunsOneMorePass_WhenWokenSeveralTimesDuringAPass()
    {
        var signal = new PassSignal();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        _loop = Pass(signal).RunAsync(async (reason, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                started.SetResult();
                await release.Task;
            }

            await _passes.Writer.WriteAsync(reason, CancellationToken.None);
        }, _stop.Token);
        await started.Task.WaitAsync(Patience);

        signal.Wake();
        signal.Wake();
        signal.Wake();
        release.SetResult();

        Assert.Equal(BackgroundPassReason.Interval, await NextPassAsync());
        Assert.Equal(BackgroundPassReason.Signal, await NextPassAsync());
        await _clock.WaitForTimerAsync(); // cancelled by the pending wake
        await _clock.WaitForTimerAsync();
        Assert.False(_passes.Reader.TryRead(out _));
    }

    [Fact]
    public async Task RunAsync_GathersABurstOfWakesIntoOnePass_AfterTheDebounce()
    {
        var signal = new PassSignal();
        Start(Pass(signal, firstPassAtStart: false, debounce: TimeSpan.FromMilliseconds(200)));
        await _clock.WaitForTimerAsync();

        signal.Wake();
        await _clock.WaitForTimerAsync(); // the debounce
        signal.Wake();
        Assert.False(_passes.Reader.TryRead(out _));
        _clock.Advance(TimeSpan.FromMilliseconds(200));

        Assert.Equal(BackgroundPassReason.Signal, await NextPassAsync());
        await _clock.WaitForTimerAsync();
        Assert.False(_passes.Reader.TryRead(out _));
    }

    [Fact]
    public async Task RunAsync_LogsAFailedPassAndGoesOn()
    {
        var failure = new InvalidOperationException("PostgreSQL is restarting");
        var calls = 0;
        _loop = Pass().RunAsync(async (reason, _) =>
        {
            await _passes.Writer.WriteAsync(reason, CancellationToken.None);
            if (Interlocked.Increment(ref calls) == 1)
            {
                throw failure;
            }
        }, _stop.Token);

        await NextPassAsync();
        await _clock.WaitForTimerAsync();
        _clock.Advance(Interval);
        await NextPassAsync();

        var entry = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal(2, entry.EventId.Id);
        Assert.Same(failure, entry.Exception);
        Assert.StartsWith("Test pass failed", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PassesOnlyWhileHoldingTheLeaderLock_AndReleasesItAfterEachPass()
    {
        var events = new List<string>();
        var held = false;
        var leader = Pass(leaderLock: _ =>
        {
            lock (events)
            {
                events.Add(held ? "locked" : "refused");
            }

            return Task.FromResult<IAsyncDisposable?>(held ? new Release(events) : null);
        });
        _loop = leader.RunAsync(async (reason, _) =>
        {
            lock (events)
            {
                events.Add("pass");
            }

            await _passes.Writer.WriteAsync(reason, CancellationToken.None);
        }, _stop.Token);

        await _clock.WaitForTimerAsync(); // the first try was refused: no pass
        Assert.False(_passes.Reader.TryRead(out _));
        held = true;
        _clock.Advance(Interval);
        await NextPassAsync();
        await _clock.WaitForTimerAsync();

        lock (events)
        {
            Assert.Equal(new[] { "refused", "locked", "pass", "released" }, events);
        }

        Assert.Contains(_logger.Entries, e => e.Level == LogLevel.Debug && e.EventId.Id == 3);
    }

    [Fact]
    public async Task RunAsync_ReturnsQuietly_WhenStoppedWhileWaiting()
    {
        Start(Pass());
        await NextPassAsync();
        await _clock.WaitForTimerAsync();

        await _stop.CancelAsync();

        await _loop!.WaitAsync(Patience);
        Assert.True(_loop.IsCompletedSuccessfully);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public async Task RunAsync_ReturnsQuietly_WhenStoppedDuringAPass()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _loop = Pass().RunAsync(async (_, cancellationToken) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        }, _stop.Token);
        await started.Task.WaitAsync(Patience);

        await _stop.CancelAsync();

        await _loop.WaitAsync(Patience);
        Assert.True(_loop.IsCompletedSuccessfully);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public void Drain_TakesEachPendingKeyOnce()
    {
        var signal = new KeyedPassSignal();

        signal.Wake("a");
        signal.Wake("b");
        signal.Wake("a");

        Assert.Equal(new[] { "a", "b" }, signal.Drain().Order(StringComparer.Ordinal));
        Assert.Empty(signal.Drain());
    }

    [Fact]
    public async Task RunAsync_HandsTheKeysOfAKeyedSignalToThePass()
    {
        var signal = new KeyedPassSignal();
        var keys = Channel.CreateUnbounded<IReadOnlyList<string>>();
        _loop = Pass(signal, firstPassAtStart: false).RunAsync(
            (_, _) => keys.Writer.WriteAsync(signal.Drain(), CancellationToken.None).AsTask(), _stop.Token);
        await _clock.WaitForTimerAsync();

        signal.Wake("mart-a");

        Assert.Equal(new[] { "mart-a" }, await keys.Reader.ReadAsync().AsTask().WaitAsync(Patience));
    }

    private BackgroundPass Pass(
        PassSignal? signal = null,
        bool firstPassAtStart = true,
        TimeSpan debounce = default,
        Func<CancellationToken, Task<IAsyncDisposable?>>? leaderLock = null) =>
        new("Test pass", Interval, _clock, _logger)
        {
            Signal = signal,
            FirstPassAtStart = firstPassAtStart,
            Debounce = debounce,
            LeaderLock = leaderLock,
        };

    private void Start(BackgroundPass pass) =>
        _loop = pass.RunAsync((reason, _) => _passes.Writer.WriteAsync(reason, CancellationToken.None).AsTask(), _stop.Token);

    private async Task<BackgroundPassReason> NextPassAsync() => await _passes.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    private sealed class Release(List<string> events) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            lock (events)
            {
                events.Add("released");
            }

            return ValueTask.CompletedTask;
        }
    }
}
