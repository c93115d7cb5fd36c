using Scheduler.Hosting;
using Scheduler.Background;

namespace Scheduler.Tests.Hosting;

[Trait("Category", "Fast")]
public sealed class BackoffTests
{
    private static readonly Backoff Doubling = new(TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(20));

    [Theory]
    // First, then multiplied by the factor per step, stopping at the cap.
    [InlineData(0, 1.0)]
    [InlineData(1, 2.0)]
    [InlineData(4, 16.0)]
    [InlineData(5, 20.0)]
    // Far steps stay at the cap (Math.Pow overflows to infinity, which the cap bounds).
    [InlineData(5000, 20.0)]
    // A step below zero counts as the first.
    [InlineData(-3, 1.0)]
    public void Delay_GrowsByTheFactorUpToTheCap(int step, double expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), Doubling.Delay(step));
    }

    [Theory]
    // The jitter multiplies the capped delay: full jitter, a spread around 1, a shortening.
    [InlineData(3, 0.5, 4.0)]
    [InlineData(3, 1.15, 9.2)]
    [InlineData(9, 0.8, 16.0)]
    [InlineData(9, 0, 0.0)]
    public void Delay_MultipliesTheCappedDelayByTheJitter(int step, double jitter, double expectedSeconds)
    {
        Assert.Equal(expectedSeconds, Doubling.Delay(step, jitter).TotalSeconds, precision: 6);
    }

    [Fact]
    public void Delay_GrowsByAFractionalFactor()
    {
        var polls = new Backoff(TimeSpan.FromSeconds(2), 1.5, TimeSpan.FromSeconds(30));

        Assert.Equal(new[] { 2.0, 3.0, 4.5, 6.75, 10.125, 15.1875, 22.78125, 30.0 }, Enumerable.Range(0, 8).Select(n => polls.Delay(n).TotalSeconds));
    }

    [Fact]
    public void Delay_IsZero_WhenTheFirstDelayIsZero()
    {
        Assert.Equal(TimeSpan.Zero, new Backoff(TimeSpan.Zero, 2, TimeSpan.FromHours(1)).Delay(5000));
    }
}
