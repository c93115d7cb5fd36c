using System.Collections.Concurrent;

namespace Scheduler.Tests.Redshift;

/// <summary>
/// A clock that stands still except when a delay is requested: then it records the delay, moves forward by it and
/// fires at once. Retry schedules become exact and instant.
/// </summary>
internal sealed class StepClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<TimeSpan> _delays = new();
    private DateTimeOffset _now = start;

    public IReadOnlyList<TimeSpan> Delays => [.. _delays];

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (dueTime != Timeout.InfiniteTimeSpan)
        {
            _delays.Enqueue(dueTime);
            lock (_gate)
            {
                _now += dueTime;
            }

            ThreadPool.QueueUserWorkItem(_ => callback(state));
        }

        return new NoopTimer();
    }

    private sealed class NoopTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
