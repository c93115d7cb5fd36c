using Hangfire;
using Hangfire.Storage.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Alerts;
using Scheduler.Testing;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Alerts;

[Collection(SchedulerHostGroup.Name)]
public sealed class WebhookSecurityTests
{
    private static readonly DateTimeOffset s_at = new(2026, 12, 1, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task SendAsync_LogsNoWebhookUrl_WhenHttpClientLoggingIsOn()
    {
        await using var listener = await WebhookListener.StartAsync();
        var url = new Uri(listener.Url, "/hook/T0001/B0002/xoxb-secret-token-987");
        await using var host = await OpsHost.StartAsync(nameof(WebhookSecurityTests), new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = url.ToString(),
            // What an operator turns on to see outgoing calls: the factory's handlers log at Information and Trace.
            ["Logging:LogLevel:System.Net.Http"] = "Trace",
            ["Logging:LogLevel:Scheduler"] = "Information",
        });

        var jobId = Alerts(host).RunEnded("sample", "run-20", "Failed", "manual", "boom", s_at, s_at)!;
        await listener.NextAsync(TimeSpan.FromSeconds(60));
        var state = await WaitForFinalStateAsync(host, jobId);

        Assert.Equal("Succeeded", state.StateName);
        Assert.Contains(host.Logs, l => l.Contains("Failure alert for mart 'sample' run run-20 delivered", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs, l => l.Contains("xoxb-secret-token-987", StringComparison.Ordinal) || l.Contains("/hook/T0001", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SendAsync_DoesNotFollowARedirect_WhenTheReceiverAnswers307()
    {
        await using var elsewhere = await WebhookListener.StartAsync();
        await using var redirecting = await WebhookListener.StartAsync(redirectTo: elsewhere.Url);
        await using var host = await OpsHost.StartAsync(nameof(WebhookSecurityTests), new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = redirecting.Url.ToString(),
            ["Alerts:MaxAttempts"] = "1",
        });

        var jobId = Alerts(host).RunEnded("sample", "run-21", "Failed", "manual", "boom", s_at, s_at)!;
        var state = await WaitForFinalStateAsync(host, jobId);

        Assert.Equal("Failed", state.StateName);
        Assert.Contains("HTTP 307", state.Data["ExceptionMessage"], StringComparison.Ordinal);
        Assert.Contains("redirects are not followed", state.Data["ExceptionMessage"], StringComparison.Ordinal);
        Assert.Equal(1, redirecting.Count);
        Assert.Equal(0, elsewhere.Count);
    }

    [Fact]
    public async Task SendAsync_IsDeliveredWithoutReadingTheBody_WhenTheReceiverAnswersAnEndlessBody()
    {
        await using var listener = await WebhookListener.StartAsync(endlessBody: true);
        await using var host = await OpsHost.StartAsync(nameof(WebhookSecurityTests), new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = listener.Url.ToString(),
            ["Alerts:MaxAttempts"] = "1",
            ["Alerts:Timeout"] = "00:00:10",
        });

        var jobId = Alerts(host).RunEnded("sample", "run-22", "Failed", "manual", "boom", s_at, s_at)!;
        var state = await WaitForFinalStateAsync(host, jobId);

        Assert.Equal("Succeeded", state.StateName);
    }

    private static FailureAlerts Alerts(OpsHost host) => host.Services.GetRequiredService<FailureAlerts>();

    private static async Task<StateHistoryDto> WaitForFinalStateAsync(OpsHost host, string jobId)
    {
        var monitoring = host.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        return (await Eventually.ValueAsync(() => Task.FromResult(monitoring.JobDetails(jobId)?.History.FirstOrDefault()),
            state => state?.StateName is "Failed" or "Succeeded", $"job {jobId} finishes", describe: state => state?.StateName))!;
    }
}
