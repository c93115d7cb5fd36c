using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Scheduler.Configuration;
using Scheduler.Hosting;
using Scheduler.Marts;
using Scheduler.Security;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Security;

[Collection(SchedulerHostGroup.Name)]
public sealed class LoopbackModeTests
{
    [Theory]
    // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1
    [InlineData("POST", "/api/marts/sample/runs", "evil.example:5000", null, null)]
    [InlineData("GET", "/hangfire/marts", "evil.example:5000", null, null)]
    [InlineData("GET", "/api/runs", "127.0.0.1.nip.io", null, null)]
    [InlineData("GET", "/metrics", "localhost.evil.example", null, null)]
    // Forwarded headers: a proxy relayed it, whoever the original client was
    [InlineData("GET", "/hangfire/marts", "127.0.0.1:5000", "X-Forwarded-For", "127.0.0.1")]
    [InlineData("POST", "/api/marts/sample/runs", "localhost", "X-Forwarded-Host", "localhost")]
    [InlineData("GET", "/api/marts", "localhost", "Forwarded", "for=127.0.0.1")]
    public async Task Request_IsRefused_WhenNoUserIsConfiguredAndHostOrHeadersAreNotLocal(string method, string path, string host, string? header, string? value)
    {
        await using var ops = await OpsHost.StartAsync(nameof(LoopbackModeTests), testServer: true);

        var context = await SendAsync(ops, method, path, host, IPAddress.Loopback, header, value);

        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        Assert.Equal("application/problem+json", context.Response.ContentType);
        Assert.Equal(0, await CountRunsAsync(ops));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:5000")]
    [InlineData("LOCALHOST:5000")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("[::1]:5000")]
    [InlineData("[::1]")]
    public async Task Request_IsServed_WhenNoUserIsConfiguredAndHostIsLoopback(string host)
    {
        await using var ops = await OpsHost.StartAsync(nameof(LoopbackModeTests), testServer: true);

        var page = await SendAsync(ops, "GET", "/hangfire/marts", host, IPAddress.IPv6Loopback, null, null);

        Assert.Equal(StatusCodes.Status200OK, page.Response.StatusCode);
    }

    [Theory]
    [InlineData("http://0.0.0.0:5000", "urls = 'http://0.0.0.0:5000'")]
    [InlineData("http://*:5000", "urls = 'http://*:5000'")]
    [InlineData("http://127.0.0.1:5000;http://[::]:5001", "urls = 'http://[::]:5001'")]
    [InlineData("http://scheduler.example.com:5000", "urls = 'http://scheduler.example.com:5000'")]
    public void Build_RefusesToStart_WhenNoUserIsConfiguredAndItListensBeyondLoopback(string urls, string expected)
    {
        var exception = Assert.Throws<SchedulerConfigurationException>(() => Build(["--urls", urls]));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains("Security:Users", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RefusesToStart_WhenNoUserIsConfiguredAndForwardedHeadersAreEnabled()
    {
        var exception = Assert.Throws<SchedulerConfigurationException>(() =>
            Build(["--urls", "http://127.0.0.1:0", "--FORWARDEDHEADERS_ENABLED=true"]));

        Assert.Contains("ASPNETCORE_FORWARDEDHEADERS_ENABLED = 'true'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Unset ASPNETCORE_FORWARDEDHEADERS_ENABLED, or configure users", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_Starts_WhenUsersAreConfiguredAndItListensOnEveryInterface()
    {
        await using var ops = await OpsHost.StartAsync(nameof(LoopbackModeTests), OpsHost.Users(("alice", "alice-pw", "Admin")),
            args: ["--urls", "http://0.0.0.0:0", "--FORWARDEDHEADERS_ENABLED=true"]);

        Assert.NotNull(ops.BaseAddress);
    }

    [Fact]
    public async Task ForwardedFor_IsIgnored_WhenUsersAreConfiguredAndTheSenderIsNotAKnownProxy()
    {
        var settings = OpsHost.Users(("alice", "alice-pw", "Admin"));
        settings["FORWARDEDHEADERS_ENABLED"] = "true";
        await using var ops = await OpsHost.StartAsync(nameof(LoopbackModeTests), settings, testServer: true);

        var context = await SendAsync(ops, "GET", "/api/marts", "scheduler.example.com", IPAddress.Parse("203.0.113.7"), "X-Forwarded-For", "127.0.0.1",
            OpsHost.Basic("mallory", "guess").ToString());

        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Contains(ops.Logs, l => l.Contains("Failed login for user 'mallory' from 203.0.113.7", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ForwardedFor_IsHonoured_WhenTheSenderIsAKnownProxy()
    {
        var settings = OpsHost.Users(("alice", "alice-pw", "Admin"));
        settings["Security:KnownProxies:0"] = "203.0.113.7";
        await using var ops = await OpsHost.StartAsync(nameof(LoopbackModeTests), settings, testServer: true);

        var context = await SendAsync(ops, "GET", "/api/marts", "scheduler.example.com", IPAddress.Parse("203.0.113.7"), "X-Forwarded-For", "198.51.100.9",
            OpsHost.Basic("mallory", "guess").ToString());

        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Contains(ops.Logs, l => l.Contains("Failed login for user 'mallory' from 198.51.100.9", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Security:KnownProxies:0", "10.0.0.0/8", "Security:KnownProxies:0 = '10.0.0.0/8'")]
    [InlineData("Security:KnownNetworks", "10.0.0.1", "Security:KnownNetworks = '10.0.0.1'")]
    public void Build_Throws_WhenAKnownProxyOrNetworkIsMalformed(string key, string value, string expected)
    {
        var exception = Assert.Throws<SchedulerConfigurationException>(() =>
            Build(["--urls", "http://127.0.0.1:0", $"--{key}={value}",
                "--Security:Users:alice:Role=Admin", $"--Security:Users:alice:PasswordHash={Scheduler.Security.PasswordHash.Create("pw", OpsHost.TestIterations)}"]));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    private static Microsoft.AspNetCore.Builder.WebApplication Build(string[] extra) =>
        SchedulerApplication.Build(
        [
            "--ConnectionStrings:Scheduler=Host=127.0.0.1;Database=unused", "--Redshift:ServiceUrl=http://127.0.0.1:9",
            "--Redshift:WorkgroupName=wg", "--Redshift:Database=dev", "--contentRoot", Path.GetTempPath(), "--Sql:Root", Path.GetTempPath(),
            .. extra,
        ]);

    private static async Task<HttpContext> SendAsync(OpsHost host, string method, string path, string hostHeader, IPAddress remote,
        string? header, string? value, string? authorization = null) =>
        await host.App.GetTestServer().SendAsync(context =>
        {
            context.Request.Method = method;
            context.Request.Path = path;
            context.Request.Host = new HostString(hostHeader);
            context.Request.Headers.Origin = $"http://{hostHeader}";
            context.Connection.RemoteIpAddress = remote;
            if (header is not null)
            {
                context.Request.Headers[header] = value;
            }

            if (authorization is not null)
            {
                context.Request.Headers.Authorization = authorization;
            }
        });

    private static async Task<long> CountRunsAsync(OpsHost host)
    {
        await using var connection = new Npgsql.NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM scheduler.runs", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
