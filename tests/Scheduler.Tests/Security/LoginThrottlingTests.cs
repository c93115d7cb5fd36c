using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Scheduler.Security;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Security;

[Collection(SchedulerHostGroup.Name)]
public sealed class LoginThrottlingTests
{
    [Fact]
    public async Task Storm_IsAnswered429WithRetryAfter_WhileAVerifiedUserIsStillServed()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await OpsHost.StartAsync(nameof(LoginThrottlingTests), OpsHost.Users(("alice", "alice-pw", "Admin")),
            configure: builder => builder.Services.AddSingleton<TimeProvider>(time));
        using var alice = host.CreateClient("alice", "alice-pw");
        using var mallory = host.CreateClient("alice", "guess");
        using (var first = await alice.GetAsync("/api/marts"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var statuses = new List<HttpStatusCode>();
        TimeSpan? retryAfter = null;
        for (var i = 0; i < LoginThrottle.UserBurst + 5; i++)
        {
            using var response = await mallory.GetAsync("/api/marts");
            statuses.Add(response.StatusCode);
            retryAfter ??= response.Headers.RetryAfter?.Delta;
        }

        using var legitimate = await alice.GetAsync("/api/marts");
        using var health = await mallory.GetAsync("/healthz");

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Unauthorized, LoginThrottle.UserBurst - 1), statuses.Take(LoginThrottle.UserBurst - 1));
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 6), statuses.Skip(LoginThrottle.UserBurst - 1));
        Assert.Equal(LoginThrottle.ReplenishmentPeriod, retryAfter);
        Assert.Equal(HttpStatusCode.OK, legitimate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Single(host.Logs, l => l.Contains("Failed login for user 'alice'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Storm_IsServedAgain_WhenTheThrottleHasRefilled()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        await using var host = await OpsHost.StartAsync(nameof(LoginThrottlingTests), OpsHost.Users(("alice", "alice-pw", "Admin")),
            configure: builder => builder.Services.AddSingleton<TimeProvider>(time));
        using var mallory = host.CreateClient("mallory", "guess");
        for (var i = 0; i < LoginThrottle.AddressBurst; i++)
        {
            using var response = await mallory.GetAsync("/api/marts");
        }

        using var throttled = await mallory.GetAsync("/api/marts");
        time.Advance(LoginThrottle.ReplenishmentPeriod);
        using var again = await mallory.GetAsync("/api/marts");
        using var throttledAgain = await mallory.GetAsync("/api/marts");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, throttledAgain.StatusCode);
    }

    [Fact]
    public void Verifier_HashesAtEveryConfiguredIterationCount_WhenUsersHaveDifferentCounts()
    {
        var users = new SchedulerUserDirectory(
        [
            new SchedulerUser("alice", SchedulerRole.Admin, PasswordHash.Create("a", PasswordHash.MinIterations)),
            new SchedulerUser("bob", SchedulerRole.Viewer, PasswordHash.Create("b", PasswordHash.MinIterations * 2)),
            new SchedulerUser("carol", SchedulerRole.Viewer, PasswordHash.Create("c", PasswordHash.MinIterations)),
        ]);
        using var verifier = new CredentialVerifier(users, TimeProvider.System);

        Assert.Equal([PasswordHash.MinIterations, PasswordHash.MinIterations * 2], verifier.IterationCounts.Order());
        Assert.Equal("bob", verifier.Verify("bob", "b")?.Name);
        Assert.Null(verifier.Verify("alice", "b"));
        Assert.Null(verifier.Verify("nobody", "b"));
    }

    [Fact]
    public void Verifier_ServesFromTheCache_OnlyTheExactNameAndPassword()
    {
        var users = new SchedulerUserDirectory([new SchedulerUser("alice", SchedulerRole.Admin, PasswordHash.Create("a", PasswordHash.MinIterations))]);
        using var verifier = new CredentialVerifier(users, TimeProvider.System);

        var before = verifier.TryGetCached("alice", "a");
        verifier.Verify("alice", "a");

        Assert.Null(before);
        Assert.Equal("alice", verifier.TryGetCached("alice", "a")?.Name);
        Assert.Null(verifier.TryGetCached("alice", "a "));
        Assert.Null(verifier.TryGetCached("Alice", "a"));
    }
}
