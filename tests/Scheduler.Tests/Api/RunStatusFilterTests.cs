using System.Net;
using System.Text.Json;
using Scheduler.Api;
using Scheduler.Runs;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Api;

[Collection(SchedulerHostGroup.Name)]
public sealed class RunStatusFilterTests
{
    [Theory]
    [InlineData("Running", RunStatus.Running)]
    [InlineData("succeeded", RunStatus.Succeeded)]
    [InlineData("TIMEDOUT", RunStatus.TimedOut)]
    public void TryParse_ReturnsTheStatus_WhenTextIsADeclaredName(string text, RunStatus expected)
    {
        Assert.True(RunStatusFilter.TryParse(text, out var status, out _));
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("Running,Cancelling")]
    [InlineData("Running, Cancelling")]
    [InlineData("1")]
    [InlineData("-1")]
    [InlineData("running ")]
    [InlineData(" Running")]
    [InlineData("Done")]
    public void TryParse_Fails_WhenTextIsNotExactlyOneName(string text)
    {
        Assert.False(RunStatusFilter.TryParse(text, out _, out var error));
        Assert.Contains($"status='{text}'", error, StringComparison.Ordinal);
        Assert.Contains(RunStatusFilter.AllowedValues, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Running,Cancelling")]
    [InlineData("1")]
    [InlineData("running%20")]
    public async Task ListRuns_Answers400NamingTheParameter_WhenStatusIsNotExactlyOneName(string status)
    {
        await using var host = await OpsHost.StartAsync(nameof(RunStatusFilterTests));
        using var client = host.CreateClient();

        using var api = await client.GetAsync($"/api/runs?status={status}");
        using var page = await client.GetAsync($"/hangfire/marts/runs?status={status}");

        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        using var problem = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
        var detail = problem.RootElement.GetProperty("detail").GetString();
        Assert.Contains("status='", detail, StringComparison.Ordinal);
        Assert.Contains(RunStatusFilter.AllowedValues, detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("status=&#39;", html, StringComparison.Ordinal);
        Assert.Contains(RunStatusFilter.AllowedValues, html, StringComparison.Ordinal);
    }
}
