using System.Net;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Api;

[Collection(SchedulerHostGroup.Name)]
public sealed class ApiAccessTests
{
    private static readonly Dictionary<string, string?> s_users = OpsHost.Users(("alice", "alice-pw", "Admin"), ("victor", "victor-pw", "Viewer"));

    [Fact]
    public async Task AccessMatrix_HoldsForReadsTriggersAndCancels_WhenUsersAreConfigured()
    {
        await using var stack = await ApiStack.StartAsync(nameof(ApiAccessTests), settings: s_users);
        using var anonymous = stack.Client();
        using var viewer = stack.Client("victor", "victor-pw");
        using var admin = stack.Client("alice", "alice-pw");
        using var wrong = stack.Client("alice", "victor-pw");

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/marts")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("api/marts/sample/runs", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.PostAsync("api/marts/sample/runs", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("api/marts")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("api/runs")).StatusCode);

        using var viewerTrigger = await viewer.PostAsync("api/marts/sample/runs", null);
        Assert.Equal(HttpStatusCode.Forbidden, viewerTrigger.StatusCode);
        Assert.Contains("Admin role", await viewerTrigger.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await stack.Harness.Ledger.ListAsync("sample", null, 10, CancellationToken.None));

        using var adminTrigger = await admin.PostAsync("api/marts/sample/runs", null);
        Assert.Equal(HttpStatusCode.Accepted, adminTrigger.StatusCode);
        var runId = adminTrigger.Headers.Location!.ToString().Split('/')[^1];
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync($"api/runs/{runId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync($"api/runs/{runId}/cancel", null)).StatusCode);

        // Pausing and resuming change what runs: Admin only; anyone signed in may read the global pause.
        foreach (var route in new[] { "api/marts/sample/pause", "api/marts/sample/resume", "api/pause", "api/resume" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync(route, null)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("api/pause")).StatusCode);

        // Backfills start runs: Admin only; anyone signed in may read them.
        var backfill = new StringContent("""{ "from": "2026-11-01", "to": "2026-11-01" }""", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("api/marts/sample/backfills", backfill)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync("api/marts/sample/backfills", backfill)).StatusCode);
        using var created = await admin.PostAsync("api/marts/sample/backfills", backfill);
        Assert.Equal(HttpStatusCode.Accepted, created.StatusCode);
        var backfillLocation = created.Headers.Location!.ToString().TrimStart('/');
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(backfillLocation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync(backfillLocation)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("api/marts/sample/backfills")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.PostAsync(backfillLocation + "/cancel", null)).StatusCode);
        using var crossSite = new HttpRequestMessage(HttpMethod.Post, backfillLocation + "/cancel");
        crossSite.Headers.TryAddWithoutValidation("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.SendAsync(crossSite)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync("api/marts/sample/pause", null)).StatusCode);
    }

    [Fact]
    public async Task Trigger_IsAccepted_WhenNoUserIsConfiguredAndRequestIsFromLoopback()
    {
        await using var stack = await ApiStack.StartAsync(nameof(ApiAccessTests));
        using var anonymous = stack.Client();

        using var response = await anonymous.PostAsync("api/marts/sample/runs", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData("Origin", "http://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    public async Task Trigger_IsRefused_WhenABrowserSendsItFromAnotherSite(string header, string value)
    {
        await using var stack = await ApiStack.StartAsync(nameof(ApiAccessTests));
        using var client = stack.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/marts/sample/runs");
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Cross-site request refused", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await stack.Harness.Ledger.ListAsync("sample", null, 10, CancellationToken.None));
    }

    [Fact]
    public async Task Trigger_IsAccepted_WhenOriginIsTheServiceItself()
    {
        await using var stack = await ApiStack.StartAsync(nameof(ApiAccessTests));
        using var client = stack.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/marts/sample/runs");
        request.Headers.TryAddWithoutValidation("Origin", stack.BaseAddress.GetLeftPart(UriPartial.Authority));
        request.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "same-origin");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }
}
