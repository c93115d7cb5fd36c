using Microsoft.Extensions.DependencyInjection;
using Scheduler.Audit;
using Scheduler.Cli;
using Scheduler.Runs;
using Scheduler.Security;
using Scheduler.Tests.Runs;

namespace Scheduler.Tests.Api;

[Collection(SchedulerHostGroup.Name)]
public sealed class TriggerCommandTests
{
    [Fact]
    public async Task Trigger_PrintsTheRunId_AndTheServiceRunsIt_ThenSaysSkippedWhileItIsActive()
    {
        await using var stack = await ApiStack.StartAsync(nameof(TriggerCommandTests));
        var args = stack.Harness.Settings.Select(kv => $"--{kv.Key}={kv.Value}").Prepend("--contentRoot=" + stack.Harness.SqlRoot).ToArray();

        var (code, output, error) = await RunAsync(["trigger", "slow", .. args]);
        var runId = Guid.Parse(output.Trim());
        await stack.Harness.WaitForRunAsync(runId, r => r.Status == RunStatus.Running);
        var (skippedCode, skippedOutput, skippedError) = await RunAsync(["trigger", "slow", .. args]);
        var (unknownCode, _, unknownError) = await RunAsync(["trigger", "nope", .. args]);

        Assert.Equal(0, code);
        Assert.Equal("", error);
        Assert.Equal(RunTrigger.Manual, (await stack.Harness.Ledger.GetAsync(runId, CancellationToken.None))!.Trigger);
        Assert.Equal(3, skippedCode);
        Assert.Contains($"skipped: run {runId:D} of mart 'slow' is still active", skippedError, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Skipped, (await stack.Harness.Ledger.GetAsync(Guid.Parse(skippedOutput.Trim()), CancellationToken.None))!.Status);
        Assert.Equal(1, unknownCode);
        Assert.Contains("Unknown mart 'nope'. Configured marts: sample, slow.", unknownError, StringComparison.Ordinal);
        var audit = await stack.Harness.App.Services.GetRequiredService<AuditStore>()
            .ListAsync(new AuditQuery(Environment.UserName, null, "run.start", null, 10), CancellationToken.None);
        Assert.Equal(["refused", "refused", "accepted"], audit.Select(e => e.Outcome));
        Assert.All(audit, e => Assert.Equal("cli", e.Role));
        Assert.Equal("mart/slow", audit[^1].Target);
    }

    [Fact]
    public async Task HashPassword_PrintsAVerifiableHash_ForThePasswordOnStandardInput()
    {
        var (code, output, _) = await RunAsync(["hash-password"], "s3cret!\n");
        var (emptyCode, _, emptyError) = await RunAsync(["hash-password"], "\n");

        Assert.Equal(0, code);
        Assert.True(Scheduler.Security.PasswordHash.Parse(output.Trim()).Verify("s3cret!"));
        Assert.DoesNotContain("s3cret!", output, StringComparison.Ordinal);
        Assert.Equal(1, emptyCode);
        Assert.Contains("no password", emptyError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ListsSecurityAndAlertProblemsWithTheMartOnes()
    {
        var root = Directory.CreateTempSubdirectory("scheduler-validate-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "a.sql"), "select 1;");
            var (code, _, error) = await RunAsync(
            [
                "validate", "--contentRoot", root, "--ConnectionStrings:Scheduler=Host=127.0.0.1", "--Redshift:ServiceUrl=http://127.0.0.1:9",
                "--Redshift:WorkgroupName=wg", "--Redshift:Database=dev", $"--Sql:Root={root}", "--Marts:a:SqlFile=a.sql",
                "--Marts:a:Cron=every day", "--Security:Users:bob:Role=Owner", "--Security:Users:bob:PasswordHash=x", "--Alerts:WebhookUrl=nope",
            ]);

            Assert.Equal(1, code);
            Assert.Contains("Marts:a:Cron = 'every day'", error, StringComparison.Ordinal);
            Assert.Contains("Security:Users:bob:Role = 'Owner'", error, StringComparison.Ordinal);
            Assert.Contains("Security:Users:bob:PasswordHash = '(hidden)'", error, StringComparison.Ordinal);
            Assert.Contains("Alerts:WebhookUrl = '(hidden)'", error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args, string input = "")
    {
        using var stdin = new StringReader(input);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdin, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
