using System.Net;
using Scheduler.Security;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Security;

[Collection(SchedulerHostGroup.Name)]
public sealed class SecurityHeadersTests
{
    [Theory]
    [InlineData("/hangfire", "alice", HttpStatusCode.OK)]
    [InlineData("/hangfire/recurring", "alice", HttpStatusCode.OK)]
    [InlineData("/hangfire/marts", "alice", HttpStatusCode.OK)]
    [InlineData("/hangfire/marts/runs", "alice", HttpStatusCode.OK)]
    [InlineData("/api/marts", "alice", HttpStatusCode.OK)]
    [InlineData("/api/runs/nope", "alice", HttpStatusCode.NotFound)]
    [InlineData("/metrics", "alice", HttpStatusCode.OK)]
    [InlineData("/healthz", null, HttpStatusCode.OK)]
    [InlineData("/hangfire/marts", null, HttpStatusCode.Unauthorized)]
    [InlineData("/api/marts", null, HttpStatusCode.Unauthorized)]
    public async Task Answer_CarriesTheFramingAndContentHeaders_WhenAnyPageOrApiIsRequested(string path, string? user, HttpStatusCode expected)
    {
        await using var host = await OpsHost.StartAsync(nameof(SecurityHeadersTests), OpsHost.Users(("alice", "alice-pw", "Admin")));
        using var client = host.CreateClient(user, user is null ? null : "alice-pw");

        using var response = await client.GetAsync(path);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("'unsafe-eval'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_WritesNoInlineScriptTheCspWouldBlock_WhenMartsPagesAreRendered()
    {
        await using var host = await OpsHost.StartAsync(nameof(SecurityHeadersTests));
        using var client = host.CreateClient();

        foreach (var path in new[] { "/hangfire", "/hangfire/recurring", "/hangfire/marts", "/hangfire/marts/runs", "/hangfire/jobs/failed" })
        {
            // The policy the page was served with: the one the browser would enforce on it.
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            var html = await response.Content.ReadAsStringAsync();
            var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
            foreach (System.Text.RegularExpressions.Match script in System.Text.RegularExpressions.Regex.Matches(html, "<script(?<attributes>[^>]*)>(?<body>.*?)</script>",
                System.Text.RegularExpressions.RegexOptions.Singleline))
            {
                if (script.Groups["attributes"].Value.Contains("src=", StringComparison.Ordinal))
                {
                    continue;
                }

                var hash = "'sha256-" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(script.Groups["body"].Value))) + "'";
                Assert.True(policy.Contains(hash, StringComparison.Ordinal), $"{path} has an inline script the CSP does not allow: {script.Value[..Math.Min(120, script.Value.Length)]}");
            }

            Assert.DoesNotMatch(" on[a-z]+=\"", html);
        }
    }
}
