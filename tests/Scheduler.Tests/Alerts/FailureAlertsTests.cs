using System.Text.Json;
using Hangfire;
using Hangfire.Common;
using Hangfire.Storage.Monitoring;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduler.Alerts;
using Scheduler.Testing;
using Scheduler.Tests.Api;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Alerts;

[Collection(SchedulerHostGroup.Name)]
public sealed class FailureAlertsTests
{
    private static readonly DateTimeOffset s_created = new(2026, 11, 30, 3, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_completed = new(2026, 11, 30, 3, 4, 5, TimeSpan.Zero);
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task RunEnded_PostsTheAlertToTheWebhook_WhenRunFailed()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var host = await OpsHost.StartAsync(nameof(FailureAlertsTests), new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = listener.Url.ToString(),
            ["Scheduler:PublicUrl"] = "https://scheduler.example.com/ops/",
        });

        var jobId = Alerts(host).RunEnded("sample", "run-42", "Failed", "cron", "ERROR: division by zero", s_created, s_completed);
        var received = await listener.NextAsync(s_deadline);

        Assert.NotNull(jobId);
        Assert.Equal("application/json", received.ContentType?.Split(';')[0]);
        Assert.Equal("run-42:Failed", received.AlertIdHeader);
        using var body = JsonDocument.Parse(received.Body);
        var root = body.RootElement;
        Assert.Equal("run-42:Failed", root.GetProperty("alertId").GetString());
        Assert.Equal("sample", root.GetProperty("mart").GetString());
        Assert.Equal("run-42", root.GetProperty("runId").GetString());
        Assert.Equal("Failed", root.GetProperty("status").GetString());
        Assert.Equal("cron", root.GetProperty("trigger").GetString());
        Assert.Equal("ERROR: division by zero", root.GetProperty("error").GetString());
        Assert.Equal(s_completed, root.GetProperty("completedAt").GetDateTimeOffset());
        Assert.Equal("https://scheduler.example.com/ops/hangfire/marts/runs/run-42", root.GetProperty("link").GetString());
        Assert.Contains("mart 'sample' run run-42 ended Failed: ERROR: division by zero", root.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Succeeded")]
    [InlineData("Cancelled")]
    [InlineData("Skipped")]
    [InlineData("Running")]
    public async Task RunEnded_EnqueuesNothing_WhenStatusIsNotAFailure(string status)
    {
        await using var host = await OpsHost.StartAsync(nameof(FailureAlertsTests), new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = "http://127.0.0.1:9/hook",
        });

        var jobId = Alerts(host).RunEnded("sample", "run-1", status, "manual", null, s_created, s_completed);

        Assert.Null(jobId);
    }

    [Fact]
    public async Task RunEnded_EnqueuesNothing_WhenNoWebhookIsConfigured()
    {
        await using var host = await OpsHost.StartAsync(nameof(FailureAlertsTests));

        var jobId = Alerts(host).RunEnded("sample", "run-1", "Failed", "manual", "boom", s_created, s_completed);

        Assert.Null(jobId);
    }

    [Fact]
    public async Task RunEnded_UsesTheMartsOwnWebhook_WhenOneIsConfigured()
    {
        await using var global = await WebhookListener.StartAsync();
        await using var own = await WebhookListener.StartAsync();
        await using var host = await OpsHost.StartAsync(nameof(FailureAlertsTests), new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = global.Url.ToString(),
            ["Marts:sample:Alerts:WebhookUrl"] = own.Url.ToString(),
            ["Marts:other:SqlFile"] = "sample.sql",
        });

        Alerts(host).RunEnded("sample", "run-7", "TimedOut", "manual", "timed out after 00:30:00", s_created, s_completed);
        Alerts(host).RunEnded("other", "run-8", "Lost", "cron", "statement metadata expired", s_created, s_completed);
        var toOwn = await own.NextAsync(s_deadline);
        var toGlobal = await global.NextAsync(s_deadline);

        Assert.Equal("run-7:TimedOut", toOwn.AlertIdHeader);
        Assert.Equal("run-8:Lost", toGlobal.AlertIdHeader);
        Assert.Equal(1, own.Count);
        Assert.Equal(1, global.Count);
    }

    [Fact]
    public async Task SendAsync_RetriesAfterTheDelay_WhenTheReceiverFailsFirst()
    {
        await using var listener = await WebhookListener.StartAsync(respond: n => n == 1 ? 503 : 204);
        await using var host = await OpsHost.StartAsync(nameof(FailureAlertsTests), new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = listener.Url.ToString(),
            ["Alerts:RetryDelay"] = "00:00:01",
        });

        Alerts(host).RunEnded("sample", "run-9", "Failed", "manual", "boom", s_created, s_completed);
        ReceivedWebhook first, second;
        try
        {
            first = await listener.NextAsync(s_deadline);
            second = await listener.NextAsync(s_deadline);
        }
        catch (Xunit.Sdk.XunitException)
        {
            await using var connection = new NpgsqlConnection(host.ConnectionString);
            await connection.OpenAsync();
            await using var query = new NpgsqlCommand(
                "SELECT string_agg(j.id || ' ' || j.statename || ' fetched ' || coalesce(q.fetchedat::text, '-'), '; ') FROM hangfire.job j LEFT JOIN hangfire.jobqueue q ON q.jobid = j.id",
                connection);
            throw new Xunit.Sdk.XunitException($"{listener.Count} webhook(s) received; Hangfire jobs: {await query.ExecuteScalarAsync()}");
        }

        Assert.Equal(first.Body, second.Body);
        var monitoring = host.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        await Eventually.HoldsAsync(() => monitoring.SucceededListCount() == 2, "both attempts' jobs succeeded", s_deadline);
        Assert.Equal(0, monitoring.FailedCount());
        // The retry was a delayed job due Alerts:RetryDelay after it was scheduled: read from Hangfire, not timed.
        var scheduled = Assert.Single(monitoring.SucceededJobs(0, 10).SelectMany(j => monitoring.JobDetails(j.Key).History), h => h.StateName == "Scheduled");
        var delay = JobHelper.DeserializeDateTime(scheduled.Data["EnqueueAt"]) - JobHelper.DeserializeDateTime(scheduled.Data["ScheduledAt"]);
        Assert.InRange(delay, TimeSpan.FromSeconds(0.99), TimeSpan.FromSeconds(1.01));
    }

    [Fact]
    public async Task SendAsync_EndsFailedNamingTheCause_WhenTheLastAttemptFails()
    {
        await using var listener = await WebhookListener.StartAsync(respond: _ => 500);
        await using var host = await OpsHost.StartAsync(nameof(FailureAlertsTests), new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = listener.Url.ToString(),
            ["Alerts:MaxAttempts"] = "1",
        });

        var jobId = Alerts(host).RunEnded("sample", "run-10", "Failed", "manual", "boom", s_created, s_completed)!;
        await listener.NextAsync(s_deadline);

        var state = await WaitForFinalStateAsync(host, jobId);
        Assert.Equal("Failed", state.StateName);
        Assert.Contains("not delivered after 1 attempt(s): HTTP 500", state.Data["ExceptionMessage"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_GivesUpOnAnAttempt_WhenTheReceiverDoesNotAnswerInTime()
    {
        await using var listener = await WebhookListener.StartAsync(answerDelay: TimeSpan.FromSeconds(30));
        await using var host = await OpsHost.StartAsync(nameof(FailureAlertsTests), new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = listener.Url.ToString(),
            ["Alerts:MaxAttempts"] = "1",
            ["Alerts:Timeout"] = "00:00:01",
        });

        var jobId = Alerts(host).RunEnded("sample", "run-11", "Failed", "manual", "boom", s_created, s_completed)!;

        var state = await WaitForFinalStateAsync(host, jobId);
        Assert.Equal("Failed", state.StateName);
        Assert.Contains("no answer within 00:00:01", state.Data["ExceptionMessage"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_StoresNoWebhookUrlInTheJob_WhenEnqueued()
    {
        await using var host = await OpsHost.StartAsync(nameof(FailureAlertsTests), new Dictionary<string, string?>
        {
            ["Alerts:WebhookUrl"] = "http://127.0.0.1:9/hook/secret-token-123",
            ["Alerts:MaxAttempts"] = "1",
        });

        var jobId = Alerts(host).RunEnded("sample", "run-12", "Failed", "manual", "boom", s_created, s_completed)!;

        await using var connection = new NpgsqlConnection(host.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT invocationdata::text || arguments::text FROM hangfire.job WHERE id = @id", connection);
        command.Parameters.AddWithValue("id", long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture));
        var stored = (string)(await command.ExecuteScalarAsync())!;
        Assert.Contains("run-12", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-123", stored, StringComparison.Ordinal);
    }

    private static FailureAlerts Alerts(OpsHost host) => host.Services.GetRequiredService<FailureAlerts>();

    private static async Task<StateHistoryDto> WaitForFinalStateAsync(OpsHost host, string jobId)
    {
        var monitoring = host.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        return (await Eventually.ValueAsync(() => Task.FromResult(monitoring.JobDetails(jobId)?.History.FirstOrDefault()),
            state => state?.StateName is "Failed" or "Succeeded", $"job {jobId} finishes", s_deadline, describe: state => state?.StateName))!;
    }
}
