namespace Scheduler.Background;

/// <summary>
/// The one exponential back-off: the delay of step n (0 for the first) is <see cref="First"/> · <see cref="Factor"/>ⁿ, at most
/// <see cref="Cap"/>, then multiplied by the caller's jitter. Each caller keeps its own numbers and its own jitter: full
/// jitter (a random 0–1, the AWS SDKs' way), a spread around 1 (0.85–1.15), a shortening (0.8–1), or none (1).
/// </summary>
/// <param name="First">The delay of the first step; zero or more.</param>
/// <param name="Factor">What each step multiplies the delay by; 1 or more.</param>
/// <param name="Cap">The longest delay, before jitter.</param>
internal readonly record struct Backoff(TimeSpan First, double Factor, TimeSpan Cap)
{
    /// <summary>The delay of <paramref name="step"/> (0 for the first; below 0 counts as 0), times <paramref name="jitter"/>.</summary>
    public TimeSpan Delay(int step, double jitter = 1)
    {
        if (First <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        // Math.Pow overflows to infinity for a far step, which the cap then bounds: no step needs clamping.
        var ticks = Math.Min(First.Ticks * Math.Pow(Factor, Math.Max(0, step)), Cap.Ticks);
        // Rounded to the nearest tick, as TimeSpan.FromSeconds(double) rounds: 10 s × 1.15 is 11.5 s, not 11.4999999 s.
        return TimeSpan.FromTicks((long)Math.Round(ticks * jitter));
    }
}
