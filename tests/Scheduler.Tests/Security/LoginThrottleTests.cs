using Microsoft.Extensions.Time.Testing;
using Scheduler.Security;

namespace Scheduler.Tests.Security;

public sealed class LoginThrottleTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void TryAcquire_RefusesWithRetryAfter_WhenTheAddressHasUsedItsBurst()
    {
        using var throttle = new LoginThrottle(_time);

        var allowed = Enumerable.Range(0, LoginThrottle.AddressBurst).Count(i => throttle.TryAcquire("198.51.100.1", $"user{i}", out _));
        var refused = !throttle.TryAcquire("198.51.100.1", "another", out var retryAfter);

        Assert.Equal(LoginThrottle.AddressBurst, allowed);
        Assert.True(refused);
        Assert.Equal(LoginThrottle.ReplenishmentPeriod, retryAfter);
    }

    [Fact]
    public void TryAcquire_RefusesEveryAddress_WhenTheUserNameHasUsedItsBurst()
    {
        using var throttle = new LoginThrottle(_time);

        var allowed = Enumerable.Range(0, LoginThrottle.UserBurst).Count(i => throttle.TryAcquire($"198.51.100.{i}", "alice", out _));

        Assert.Equal(LoginThrottle.UserBurst, allowed);
        Assert.False(throttle.TryAcquire("203.0.113.200", "alice", out _));
        Assert.True(throttle.TryAcquire("203.0.113.200", "bob", out _));
    }

    [Fact]
    public void TryAcquire_AllowsOneMoreCheck_WhenOnePeriodHasPassed()
    {
        using var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.AddressBurst; i++)
        {
            throttle.TryAcquire("198.51.100.1", "mallory", out _);
        }

        _time.Advance(LoginThrottle.ReplenishmentPeriod / 2);
        var halfway = throttle.TryAcquire("198.51.100.1", "mallory", out var retryAfter);
        _time.Advance(LoginThrottle.ReplenishmentPeriod / 2);
        var afterOne = throttle.TryAcquire("198.51.100.1", "mallory", out _);
        var afterTwo = throttle.TryAcquire("198.51.100.1", "mallory", out _);

        Assert.False(halfway);
        Assert.Equal(TimeSpan.FromSeconds(3), retryAfter);
        Assert.True(afterOne);
        Assert.False(afterTwo);
    }

    [Fact]
    public void TryAcquire_StartsAfresh_WhenTheBucketsHaveRefilled()
    {
        using var throttle = new LoginThrottle(_time);
        for (var i = 0; i < LoginThrottle.AddressBurst + 5; i++)
        {
            throttle.TryAcquire("198.51.100.1", "mallory", out _);
        }

        _time.Advance(LoginThrottle.ReplenishmentPeriod * (LoginThrottle.AddressBurst + 1));

        Assert.Equal(LoginThrottle.AddressBurst, Enumerable.Range(0, LoginThrottle.AddressBurst + 3).Count(_ => throttle.TryAcquire("198.51.100.1", "mallory", out TimeSpan _)));
    }
}
