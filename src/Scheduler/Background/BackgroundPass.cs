using Microsoft.Extensions.Logging;

namespace Scheduler.Background;

/// <summary>
/// The one way to repeat work in the background: a pass every <paramref name="interval"/> (the first at once, unless
/// <see cref="FirstPassAtStart"/> is false), and in between whenever <see cref="Signal"/> wakes it; with a
/// <see cref="LeaderLock"/>, only on the instance that holds it. A pass that fails is logged and the loop goes on
/// (PostgreSQL may be restarting; the next pass tries again). Stopping ends the wait, or the pass in progress, and returns.
/// All waiting is on <paramref name="timeProvider"/>, so tests drive it with a fake clock.
/// </summary>
/// <remarks>
/// The interval is the period of the full pass, counted from the start of the last one: a pass woken by the signal runs
/// in between and moves nothing, so a steady stream of wakes never postpones the periodic pass.
/// </remarks>
/// <param name="name">What the pass does, for the log ("Run recovery").</param>
/// <param name="interval">How often the full pass runs.</param>
/// <param name="timeProvider">The clock all waiting uses.</param>
/// <param name="logger">The owner's logger, so failures log under the owner's category.</param>
internal sealed partial class BackgroundPass(string name, TimeSpan interval, TimeProvider timeProvider, ILogger logger)
{
    /// <summary>Whether the first pass runs at once (default) or after the first interval.</summary>
    public bool FirstPassAtStart { get; init; } = true;

    /// <summary>Wakes the loop early; null: only the interval does.</summary>
    public PassSignal? Signal { get; init; }

    /// <summary>How long a woken loop waits before its pass, so a burst of wakes (one file save) is one pass. Default none.</summary>
    public TimeSpan Debounce { get; init; }

    /// <summary>
    /// Tries to take a lock that one instance at a time may hold (a PostgreSQL advisory lock), returning null when another
    /// holds it; the pass runs only while it is held and the lock is released after it. Null: every instance runs the pass.
    /// </summary>
    public Func<CancellationToken, Task<IAsyncDisposable?>>? LeaderLock { get; init; }

    /// <summary>Runs <paramref name="pass"/> until <paramref name="stoppingToken"/> is cancelled.</summary>
    public async Task RunAsync(Func<BackgroundPassReason, CancellationToken, Task> pass, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(pass);
        var due = timeProvider.GetUtcNow() + (FirstPassAtStart ? TimeSpan.Zero : interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var reason = await WaitAsync(due, stoppingToken).ConfigureAwait(false);
                if (reason == BackgroundPassReason.Interval)
                {
                    due = timeProvider.GetUtcNow() + interval;
                }

                // Everything pending so far is this pass's to handle; a wake from now on asks for the next one.
                Signal?.Reset();
                await RunOnceAsync(pass, reason, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // log and go on: the next pass tries again, and a loop that died would never recover
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogPassFailed(logger, name, ex);
            }
        }
    }

    private async Task<BackgroundPassReason> WaitAsync(DateTimeOffset due, CancellationToken stoppingToken)
    {
        var left = due - timeProvider.GetUtcNow();
        if (left <= TimeSpan.Zero)
        {
            return BackgroundPassReason.Interval;
        }

        if (Signal is null)
        {
            await Task.Delay(left, timeProvider, stoppingToken).ConfigureAwait(false);
            return BackgroundPassReason.Interval;
        }

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var elapsed = Task.Delay(left, timeProvider, wait.Token);
        var woken = Signal.WaitAsync(wait.Token);
        var first = await Task.WhenAny(elapsed, woken).ConfigureAwait(false);
        await wait.CancelAsync().ConfigureAwait(false);
        stoppingToken.ThrowIfCancellationRequested();
        if (first == elapsed || timeProvider.GetUtcNow() >= due)
        {
            return BackgroundPassReason.Interval;
        }

        if (Debounce > TimeSpan.Zero)
        {
            await Task.Delay(Debounce, timeProvider, stoppingToken).ConfigureAwait(false);
        }

        return BackgroundPassReason.Signal;
    }

    private async Task RunOnceAsync(Func<BackgroundPassReason, CancellationToken, Task> pass, BackgroundPassReason reason, CancellationToken stoppingToken)
    {
        if (LeaderLock is null)
        {
            await pass(reason, stoppingToken).ConfigureAwait(false);
            return;
        }

        var leader = await LeaderLock(stoppingToken).ConfigureAwait(false);
        if (leader is null)
        {
            LogNotLeader(logger, name);
            return;
        }

        await using (leader.ConfigureAwait(false))
        {
            await pass(reason, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 2, EventName = "BackgroundPassFailed", Level = LogLevel.Warning, Message = "{Pass} failed; trying again at the next interval or wake-up")]
    private static partial void LogPassFailed(ILogger logger, string pass, Exception exception);

    [LoggerMessage(EventId = 3, EventName = "BackgroundPassSkipped", Level = LogLevel.Debug, Message = "{Pass} skipped: another instance holds its lock")]
    private static partial void LogNotLeader(ILogger logger, string pass);
}
