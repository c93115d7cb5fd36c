using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;
using Scheduler.Background;

namespace Scheduler.Tests.Runs;

[Trait("Category", "Fast")]
public sealed class PollIntervalsTests
{
    private static readonly TimeSpan Initial = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(30);

    [Theory]
    // Starts at the initial interval, grows by half per poll, stops at the maximum; always within ±15 % jitter.
    [InlineData(0, 2.0)]
    [InlineData(1, 3.0)]
    [InlineData(2, 4.5)]
    [InlineData(5, 15.1875)]
    [InlineData(20, 30.0)]
    public void Next_GrowsFromInitialToMax_WithJitter(int completedPolls, double expectedSeconds)
    {
        var delays = Enumerable.Range(0, 200).Select(_ => PollIntervals.Next(Initial, Max, completedPolls).TotalSeconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, expectedSeconds * 0.85 - 1e-9, expectedSeconds * 1.15 + 1e-9));
        Assert.True(delays.Distinct().Count() > 100, "jitter should spread the delays");
    }

    [Fact]
    public void Backoff_DoublesUpToTheCap()
    {
        Assert.InRange(PollIntervals.Backoff(1, TimeSpan.FromMinutes(1)).TotalSeconds, 0.85, 1.15);
        Assert.InRange(PollIntervals.Backoff(4, TimeSpan.FromMinutes(1)).TotalSeconds, 6.8, 9.2);
        Assert.InRange(PollIntervals.Backoff(30, TimeSpan.FromMinutes(1)).TotalSeconds, 51, 69);
    }

    [Fact]
    public void Clamp_NeverPassesTheLimit_NorGoesNegative()
    {
        var now = new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(3), PollIntervals.Clamp(TimeSpan.FromSeconds(10), now, now.AddSeconds(3)));
        Assert.Equal(TimeSpan.FromSeconds(2), PollIntervals.Clamp(TimeSpan.FromSeconds(2), now, now.AddSeconds(3)));
        Assert.Equal(TimeSpan.Zero, PollIntervals.Clamp(TimeSpan.FromSeconds(2), now, now.AddSeconds(-3)));
    }
}
