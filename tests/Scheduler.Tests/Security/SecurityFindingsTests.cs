using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Scheduler.Backfills;
using Scheduler.Marts;
using Scheduler.Runs;
using Scheduler.Security;
using Scheduler.Sql;

namespace Scheduler.Tests.Security;

/// <summary>The findings of issue 23 that need no PostgreSQL, one test each (the others are beside their areas).</summary>
[Trait("Category", "Fast")]
public sealed class SecurityFindingsTests : IDisposable
{
    private const string Secret = "s3cr3t-value-9f2b";
    private readonly string _directory = Directory.CreateTempSubdirectory("scheduler-findings-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void BackfillJson_HidesCredentialLikeParameters()
    {
        var backfill = new Backfill
        {
            BackfillId = Guid.NewGuid(),
            Kind = BackfillKind.Backfill,
            Mart = "sales",
            From = DateTimeOffset.UnixEpoch,
            To = DateTimeOffset.UnixEpoch,
            MaxConcurrent = 1,
            Rerun = BackfillRerun.Missing,
            Downstream = false,
            Parameters = new Dictionary<string, string> { ["api_token"] = Secret, ["region"] = "eu-west-1" },
            Status = BackfillStatus.Running,
            CreatedAt = DateTimeOffset.UnixEpoch,
        };

        var json = System.Text.Json.JsonSerializer.Serialize(BackfillJson.Of(backfill, dates: null, mart: null));

        Assert.DoesNotContain(Secret, json, StringComparison.Ordinal);
        Assert.Contains("eu-west-1", json, StringComparison.Ordinal);
        Assert.Contains(SecretNames.Hidden, json, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_NeverEchoAnUnknownKeysValueNorAServerPath()
    {
        var root = Directory.CreateDirectory(Path.Combine(_directory, "marts")).FullName;
        var outside = Path.Combine(_directory, "outside.sql");
        File.WriteAllText(outside, "select 1");
        File.WriteAllText(Path.Combine(root, "good.sql"), "select 1");
        File.CreateSymbolicLink(Path.Combine(root, "linked.sql"), outside);
        var webhook = "https://hooks.example.com/services/T000/B000/" + Secret;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sql:Root"] = root,
            ["Redshift:WorkgroupName"] = "wg",
            ["Redshift:Database"] = "dev",
            ["Redshift:Region"] = "eu-west-1",
            ["Marts:typo:SqlFile"] = "good.sql",
            ["Marts:typo:Alerts:Webhook"] = webhook,
            ["Marts:typo:Hook"] = webhook,
            ["Marts:linked:SqlFile"] = "linked.sql",
            ["Marts:missing:SqlFile"] = "missing.sql",
            ["Marts:escaping:SqlFile"] = "../outside.sql",
        }).Build();

        var result = MartConfiguration.Read(configuration, _directory);
        var shown = string.Join("\n", result.Problems.Select(p => p.ToString()));

        Assert.Contains("Marts:typo:Alerts:Webhook", shown, StringComparison.Ordinal);
        Assert.Contains("Marts:typo:Hook", shown, StringComparison.Ordinal);
        Assert.Contains("Marts:linked:SqlFile", shown, StringComparison.Ordinal);
        Assert.Contains("Marts:missing:SqlFile", shown, StringComparison.Ordinal);
        Assert.Contains("Marts:escaping:SqlFile", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, shown, StringComparison.Ordinal);
        Assert.DoesNotContain(_directory, shown, StringComparison.Ordinal);
    }

    [Fact]
    public void Problems_HideACredentialLikeParameterDefault()
    {
        File.WriteAllText(Path.Combine(_directory, "p.sql"), "select :region");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Sql:Root"] = _directory,
            ["Redshift:WorkgroupName"] = "wg",
            ["Redshift:Database"] = "dev",
            ["Redshift:Region"] = "eu-west-1",
            ["Marts:p:SqlFile"] = "p.sql",
            ["Marts:p:Parameters:region"] = "eu-west-1",
            ["Marts:p:Parameters:db_pwd"] = Secret,
        }).Build();

        var shown = string.Join("\n", MartConfiguration.Read(configuration, _directory).Problems.Select(p => p.ToString()));

        Assert.Contains("Marts:p:Parameters:db_pwd", shown, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, shown, StringComparison.Ordinal);
    }

    [Fact]
    public void RunRedaction_HidesAHiddenParametersValue_WhenTheWarehouseErrorQuotesIt()
    {
        var run = new RunRecord
        {
            RunId = Guid.NewGuid(),
            Mart = "m",
            Trigger = RunTrigger.Manual,
            LogicalDate = DateTimeOffset.UnixEpoch,
            Status = RunStatus.Failed,
            StatementName = "scheduler/m/x",
            ClientToken = "x",
            CreatedAt = DateTimeOffset.UnixEpoch,
            DeadlineAt = DateTimeOffset.UnixEpoch,
            Parameters = new Dictionary<string, string> { ["api_token"] = Secret, ["n"] = "7" },
            Error = $"Statement 1 of 1 failed: ERROR: invalid input syntax for type integer: \"{Secret}\"",
            SubStatements = [new RunSubStatement(1, "select cast(:api_token as int)", "FAILED", 1, null, $"ERROR: invalid input syntax for type integer: \"{Secret}\"")],
        };

        var shown = run.Redacted();

        Assert.DoesNotContain(Secret, shown.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, shown.SubStatements[0].Error, StringComparison.Ordinal);
        Assert.Contains("invalid input syntax for type integer", shown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretRedactor_MasksAShortHiddenValueOnlyWhereItStandsAlone()
    {
        var text = SecretRedactor.Redact("line 12: value 12x is not 1, nor 1.5", new Dictionary<string, string> { ["pin_password"] = "1" });

        Assert.Equal("line 12: value 12x is not ***, nor ***.5", text);
    }

    [Fact]
    public void LoginFailureLog_EscapesControlCharacters_WhenAUserNameCarriesThem()
    {
        var logger = new ListLogger();
        using var log = new LoginFailureLog(logger, new FakeTimeProvider());

        log.Failed("mallory\r\nInformation: admin logged in from 10.0.0.1\u001b[2J", "198.51.100.1");

        var line = Assert.Single(logger.Lines);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.DoesNotContain('\u001b', line);
        Assert.Contains(@"mallory\r\nInformation", line, StringComparison.Ordinal);
    }

    [Fact]
    public void LoginThrottle_CountsAWholeIPv6Slash64AsOneAddress()
    {
        using var throttle = new LoginThrottle(new FakeTimeProvider());

        var allowed = Enumerable.Range(1, LoginThrottle.AddressBurst)
            .Count(i => throttle.TryAcquire($"2001:db8:1:2::{i:x}", $"user{i}", out _));
        var refused = !throttle.TryAcquire("2001:db8:1:2:ffff:ffff:ffff:fffe", "another", out _);
        var otherNetwork = throttle.TryAcquire("2001:db8:1:3::1", "another", out _);

        Assert.Equal(LoginThrottle.AddressBurst, allowed);
        Assert.True(refused);
        Assert.True(otherNetwork);
    }

    [Fact]
    public void PasswordHash_RefusesAStoredHashLongerThanOneBlock()
    {
        var text = $"{PasswordHash.Algorithm}$100000${Convert.ToBase64String(new byte[16])}${Convert.ToBase64String(new byte[64])}";

        var parsed = PasswordHash.TryParse(text, out _, out var error);

        Assert.False(parsed);
        Assert.Contains("32 bytes", error, StringComparison.Ordinal);
    }

    private sealed class ListLogger : ILogger<LoginFailureLog>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add(formatter(state, exception));
    }
}
