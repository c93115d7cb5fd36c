using Scheduler.Background;

namespace Scheduler.Runs.Lifecycle;

/// <summary>
/// Adaptive poll delays: the mart's initial interval for the first poll, growing by half each poll up to its maximum,
/// with ±15 % jitter so marts started together do not poll in lockstep. Delays never pass a limit (the deadline).
/// </summary>
internal static class PollIntervals
{
    private const double Growth = 1.5;
    private const double Jitter = 0.15;

    /// <summary>The delay before the next poll, after <paramref name="completedPolls"/> polls saw the batch still running.</summary>
    public static TimeSpan Next(TimeSpan initial, TimeSpan max, int completedPolls) => Next(initial, max, completedPolls, JitterFactor());

    /// <summary>
    /// The delay before the next poll, after <paramref name="completedPolls"/> polls saw the batch still running, scaled
    /// by <paramref name="jitterFactor"/> (a draw of <see cref="JitterFactor"/>, passed in so the caller stays pure).
    /// </summary>
    public static TimeSpan Next(TimeSpan initial, TimeSpan max, int completedPolls, double jitterFactor) =>
        new Background.Backoff(initial, Growth, max).Delay(completedPolls, jitterFactor);

    /// <summary>Exponential backoff after transient errors: 1, 2, 4 … seconds, capped, with jitter.</summary>
    public static TimeSpan Backoff(int failures, TimeSpan max) =>
        new Background.Backoff(TimeSpan.FromSeconds(1), 2, max).Delay(failures - 1, JitterFactor());

    /// <summary><paramref name="delay"/>, but not past <paramref name="limit"/> and not negative.</summary>
    public static TimeSpan Clamp(TimeSpan delay, DateTimeOffset now, DateTimeOffset limit)
    {
        var left = limit - now;
        return delay < left ? delay : left > TimeSpan.Zero ? left : TimeSpan.Zero;
    }

    /// <summary>A random factor from 0.85 to 1.15 for a poll delay.</summary>
#pragma warning disable CA5394 // jitter only spreads load; it needs no unpredictability
    public static double JitterFactor() => 1 - Jitter + (Random.Shared.NextDouble() * 2 * Jitter);
#pragma warning restore CA5394
}
