using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Scheduler.Hosting;
using Scheduler.Runs;
using Scheduler.Testing;
using Scheduler.Testing.Hosting;
using Scheduler.Tests.Alerts;
using Scheduler.Tests.Emulator;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Security;

/// <summary>
/// A COPY with credentials fails for real (emulator over PostgreSQL, real Hangfire server): the secret must reach
/// Redshift unchanged and appear nowhere people or other systems read.
/// </summary>
[Collection(SchedulerHostGroup.Name)]
public sealed class SecretRedactionEndToEndTests
{
    private const string KeyId = "AKIAIOSFODNN7EXAMPLE";
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private const string SessionToken = "FQoGZXIvYXdzEXAMPLETOKEN";

    private static readonly string s_copySql =
        "select 1;\n" +
        $"copy public.run_marks from 's3://bucket/marks.csv' credentials 'aws_access_key_id={KeyId};aws_secret_access_key={Secret};token={SessionToken}' csv;\n";

    [Fact]
    public async Task FailingCopy_LeavesNoTraceOfTheSecret_InApiDashboardLogsAlertOrHangfire()
    {
        await using var listener = await WebhookListener.StartAsync();
        await using var harness = await RunHarness.StartAsync(nameof(SecretRedactionEndToEndTests),
            new Dictionary<string, string> { ["load"] = s_copySql },
            new Dictionary<string, string?>
            {
                ["Alerts:WebhookUrl"] = listener.Url.ToString(),
                ["Logging:LogLevel:Default"] = "Information",
            },
            startScheduler: false);
        var logs = new ConcurrentQueue<string>();
        await using var app = BuildWithLogs(harness, logs);
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = SchedulerTestHost.BaseAddressOf(app) };

        using var trigger = await client.PostAsync("api/marts/load/runs", null);
        var runId = (await trigger.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString()!;
        var run = await Eventually.ValueAsync(() => client.GetFromJsonAsync<JsonElement>($"api/runs/{runId}"),
            json => json.GetProperty("status").GetString() == "Failed", "GET /api/runs/{id} shows the run Failed", TimeSpan.FromSeconds(90));
        var alert = await listener.NextAsync(TimeSpan.FromSeconds(60));
        var storage = app.Services.GetRequiredService<JobStorage>().GetMonitoringApi();
        var failedJobs = await Eventually.FoundAsync(() => Task.FromResult(storage.FailedCount() > 0 ? storage.FailedJobs(0, 10) : null),
            "Hangfire lists a failed job", TimeSpan.FromSeconds(90));

        // The SQL went to Redshift as written, and the failure is still explained.
        var submitted = Assert.Single(await harness.Emulator.GetStatementsAsync(), s => s.StatementName?.Contains(runId, StringComparison.Ordinal) == true);
        Assert.Contains(Secret, submitted.Sqls[1], StringComparison.Ordinal);
        Assert.Contains("Statement 2 of 2 failed", run.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("credentials 'aws_access_key_id=***;aws_secret_access_key=***;token=***'", run.GetProperty("error").GetString(), StringComparison.Ordinal);

        var seen = new Dictionary<string, string>
        {
            ["GET /api/runs/{id}"] = run.ToString(),
            ["GET /api/runs"] = await client.GetStringAsync("api/runs"),
            ["GET /api/marts"] = await client.GetStringAsync("api/marts"),
            ["run page"] = await client.GetStringAsync($"hangfire/marts/runs/{runId}"),
            ["runs page"] = await client.GetStringAsync("hangfire/marts/runs?mart=load"),
            ["marts page"] = await client.GetStringAsync("hangfire/marts"),
            ["Hangfire failed jobs page"] = await client.GetStringAsync("hangfire/jobs/failed"),
            ["alert body"] = alert.Body,
            ["logs"] = string.Join("\n", logs),
            ["Hangfire storage"] = await DumpSchemaAsync(harness.SchedulerConnectionString, Scheduler.Hosting.HangfireServiceCollectionExtensions.HangfireSchemaName),
            ["run ledger (error, sub-statements)"] = await ScalarTextAsync(harness.SchedulerConnectionString,
                "SELECT coalesce(string_agg(coalesce(error, '') || coalesce(sub_statements::text, ''), E'\\n'), '') FROM scheduler.runs"),
        };
        foreach (var job in failedJobs)
        {
            seen[$"Hangfire job {job.Key} page"] = await client.GetStringAsync($"hangfire/jobs/details/{job.Key}");
        }

        Assert.Contains("run_marks", seen["run page"], StringComparison.Ordinal);
        Assert.Contains("Statement 2 of 2 failed", seen["alert body"], StringComparison.Ordinal);
        Assert.Contains(seen["Hangfire storage"], s => s == 'R');
        foreach (var (where, text) in seen)
        {
            foreach (var secret in new[] { Secret, KeyId, SessionToken, Regex.Escape(Secret) })
            {
                Assert.False(text.Contains(secret, StringComparison.Ordinal) || text.Contains(secret.Replace("/", "\\u002F", StringComparison.Ordinal), StringComparison.Ordinal),
                    $"The secret '{secret}' is visible in {where}.");
            }
        }
    }

    private static WebApplication BuildWithLogs(RunHarness harness, ConcurrentQueue<string> logs) =>
        SchedulerTestHost.At(harness.SqlRoot)
            .WithSettings(harness.Settings)
            .WithAwsCredentials(RunningEmulator.AccessKeyId, RunningEmulator.SecretAccessKey)
            .Configure(builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(new CapturingProvider(logs));
            })
            .Build();

    private static async Task<string> DumpSchemaAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = @schema AND table_type = 'BASE TABLE'", connection))
        {
            list.Parameters.AddWithValue("schema", schema);
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var dump = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            await using var command = new NpgsqlCommand($"SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM \"{schema}\".\"{table}\" t", connection);
            dump.AppendLine(table).AppendLine((string)(await command.ExecuteScalarAsync())!);
        }

        return dump.ToString();
    }

    private static async Task<string> ScalarTextAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Capturing(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
        }
    }
}
