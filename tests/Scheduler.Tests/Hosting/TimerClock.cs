using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Scheduler.Tests.Hosting;

/// <summary>
/// A fake clock that reports every timer created, with its due time: the code under test has started waiting, so a test
/// may now advance the clock, or assert that nothing else happened.
/// </summary>
internal sealed class TimerClock : FakeTimeProvider
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits for the next timer to be created; returns its due time.</summary>
    public async Task<TimeSpan> WaitForTimerAsync() => await _timers.Reader.ReadAsync().AsTask().WaitAsync(Patience);
}
