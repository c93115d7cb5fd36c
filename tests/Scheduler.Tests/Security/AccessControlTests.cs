using System.Net;
using Hangfire;
using Hangfire.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Security;

[Collection(SchedulerHostGroup.Name)]
public sealed class AccessControlTests
{
    private static readonly (string, string, string)[] s_users = [("alice", "alice-pw", "Admin"), ("victor", "victor-pw", "Viewer")];

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/metrics")]
    [InlineData("/openapi/v1.json")]
    public async Task Get_IsServed_WhenNoUserIsConfiguredAndRequestIsFromLoopback(string path)
    {
        await using var host = await OpsHost.StartAsync(nameof(AccessControlTests));
        using var client = host.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_IsForbidden_WhenNoUserIsConfiguredAndRequestIsFromAnotherAddress()
    {
        await using var host = await OpsHost.StartAsync(nameof(AccessControlTests), testServer: true);

        foreach (var path in new[] { "/hangfire", "/hangfire/recurring", "/metrics", "/api/marts", "/openapi/v1.json" })
        {
            var context = await SendFromAsync(host, path, IPAddress.Parse("203.0.113.7"));
            Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
            Assert.Equal("application/problem+json", context.Response.ContentType);
        }

        var mappedLoopback = await SendFromAsync(host, "/hangfire", IPAddress.Loopback.MapToIPv6());
        Assert.Equal(StatusCodes.Status200OK, mappedLoopback.Response.StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task Get_HealthIsOpen_WhenRequestIsAnonymousFromAnotherAddress(string path)
    {
        await using var host = await OpsHost.StartAsync(nameof(AccessControlTests), OpsHost.Users(s_users), testServer: true);

        var context = await SendFromAsync(host, path, IPAddress.Parse("198.51.100.20"));

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/recurring")]
    [InlineData("/metrics")]
    [InlineData("/api/marts")]
    [InlineData("/openapi/v1.json")]
    public async Task Get_IsChallenged_WhenUsersAreConfiguredAndRequestHasNoCredentials(string path)
    {
        await using var host = await OpsHost.StartAsync(nameof(AccessControlTests), OpsHost.Users(s_users));
        using var client = host.CreateClient();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Contains("realm=\"Scheduler\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Get_IsChallengedAndLoggedWithoutThePassword_WhenPasswordIsWrong()
    {
        await using var host = await OpsHost.StartAsync(nameof(AccessControlTests), OpsHost.Users(s_users));
        using var wrong = host.CreateClient("alice", "Tr0ub4dor&3");
        using var unknown = host.CreateClient("mallory", "Tr0ub4dor&3");

        using var wrongResponse = await wrong.GetAsync("/hangfire");
        using var unknownResponse = await unknown.GetAsync("/hangfire");

        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownResponse.StatusCode);
        Assert.Contains(host.Logs, line => line.Contains("Failed login for user 'alice' from 127.0.0.1", StringComparison.Ordinal));
        Assert.Contains(host.Logs, line => line.Contains("Failed login for user 'mallory' from 127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs, line => line.Contains("Tr0ub4dor", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("alice", "alice-pw")]
    [InlineData("victor", "victor-pw")]
    public async Task Get_IsServed_WhenCredentialsAreThoseOfAConfiguredUser(string user, string password)
    {
        await using var host = await OpsHost.StartAsync(nameof(AccessControlTests), OpsHost.Users(s_users));
        using var client = host.CreateClient(user, password);

        using var dashboard = await client.GetAsync("/hangfire");
        using var metrics = await client.GetAsync("/metrics");

        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.DoesNotContain(user + "-pw", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecurringPage_ShowsNoCommandButtons_WhenUserIsAViewer()
    {
        await using var host = await OpsHost.StartAsync(nameof(AccessControlTests), OpsHost.Users(s_users));
        AddProbeRecurringJob(host);
        using var viewer = host.CreateClient("victor", "victor-pw");
        using var admin = host.CreateClient("alice", "alice-pw");

        var viewerPage = await viewer.GetStringAsync("/hangfire/recurring");
        var adminPage = await admin.GetStringAsync("/hangfire/recurring");

        Assert.Contains("ops-probe", viewerPage, StringComparison.Ordinal);
        Assert.DoesNotContain("recurring/trigger", viewerPage, StringComparison.Ordinal);
        Assert.Contains("recurring/trigger", adminPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HangfireCommand_IsRefused_WhenUserIsAViewerEvenWithAValidToken()
    {
        await using var host = await OpsHost.StartAsync(nameof(AccessControlTests), OpsHost.Users(s_users));
        AddProbeRecurringJob(host);
        using var viewer = host.CreateClient("victor", "victor-pw");
        var (header, token) = await OpsHost.GetAntiforgeryAsync(viewer, "/hangfire/recurring");

        using var request = TriggerProbe(header, token);
        using var response = await viewer.SendAsync(request);

        Assert.False(response.IsSuccessStatusCode, $"A viewer's command got {(int)response.StatusCode}.");
        Assert.Null(ProbeLastJobId(host));
    }

    [Fact]
    public async Task HangfireCommand_IsRefused_WhenAntiforgeryTokenIsMissing()
    {
        await using var host = await OpsHost.StartAsync(nameof(AccessControlTests), OpsHost.Users(s_users));
        AddProbeRecurringJob(host);
        using var admin = host.CreateClient("alice", "alice-pw");
        var (header, token) = await OpsHost.GetAntiforgeryAsync(admin, "/hangfire/recurring");

        using var forged = TriggerProbe(header: null, token: null);
        using var forgedResponse = await admin.SendAsync(forged);
        Assert.Equal(HttpStatusCode.Forbidden, forgedResponse.StatusCode);
        Assert.Null(ProbeLastJobId(host));

        using var genuine = TriggerProbe(header, token);
        using var genuineResponse = await admin.SendAsync(genuine);
        Assert.True(genuineResponse.StatusCode == HttpStatusCode.NoContent, string.Join("\n", host.Logs.Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warn", StringComparison.Ordinal))));
        Assert.NotNull(ProbeLastJobId(host));
    }

    private static HttpRequestMessage TriggerProbe(string? header, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", "ops-probe")]),
        };
        if (header is not null)
        {
            request.Headers.Add(header, token);
        }

        return request;
    }

    private static void AddProbeRecurringJob(OpsHost host) =>
        host.Services.GetRequiredService<IRecurringJobManager>()
            .AddOrUpdate("ops-probe", Job.FromExpression(() => OpsProbe.Run()), Cron.Never(), new RecurringJobOptions());

    private static string? ProbeLastJobId(OpsHost host)
    {
        using var connection = host.Services.GetRequiredService<JobStorage>().GetConnection();
        return connection.GetAllEntriesFromHash("recurring-job:ops-probe")?.GetValueOrDefault("LastJobId");
    }

    private static async Task<HttpContext> SendFromAsync(OpsHost host, string path, IPAddress remote) =>
        await host.App.GetTestServer().SendAsync(context =>
        {
            context.Request.Method = "GET";
            context.Request.Path = path;
            context.Connection.RemoteIpAddress = remote;
        });
}
