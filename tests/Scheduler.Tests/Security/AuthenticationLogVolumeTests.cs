using System.Net;
using Scheduler.Security;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Security;

[Collection(SchedulerHostGroup.Name)]
public sealed class AuthenticationLogVolumeTests
{
    [Fact]
    public async Task FailedLogins_AddNoLineOfTheirOwn_BesideTheBoundedFailureLog()
    {
        await using var host = await OpsHost.StartAsync(nameof(AuthenticationLogVolumeTests), new Dictionary<string, string?>(OpsHost.Users(("alice", "alice-pw", "Admin")))
        {
            ["Logging:LogLevel:Default"] = "Information",
        });
        using var mallory = host.CreateClient("alice", "guess");

        for (var i = 0; i < LoginThrottle.UserBurst + 5; i++)
        {
            using var response = await mallory.GetAsync("/api/marts");
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests);
        }

        Assert.DoesNotContain(host.Logs, l => l.Contains(typeof(SchedulerAuthenticationHandler).FullName!, StringComparison.Ordinal));
        Assert.Single(host.Logs, l => l.Contains("Failed login for user 'alice'", StringComparison.Ordinal));
    }
}
