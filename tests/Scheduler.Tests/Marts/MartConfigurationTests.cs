using Microsoft.Extensions.Configuration;
using Scheduler.Configuration;
using Scheduler.Marts;

namespace Scheduler.Tests.Marts;

[Trait("Category", "Fast")]
public sealed class MartConfigurationTests(SqlRootFixture sqlRoot) : IClassFixture<SqlRootFixture>
{
    private Dictionary<string, string?> ValidSettings() => new()
    {
        ["ConnectionStrings:Scheduler"] = "Host=127.0.0.1;Database=x",
        ["Redshift:Region"] = "eu-west-1",
        ["Redshift:WorkgroupName"] = "wg",
        ["Redshift:Database"] = "dev",
        ["Sql:Root"] = sqlRoot.Root,
        ["Marts:daily:SqlFile"] = "good.sql",
        ["Marts:daily:Cron"] = "0 3 * * *",
    };

    private static MartConfigurationResult Read(Dictionary<string, string?> settings) =>
        MartConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), Directory.GetCurrentDirectory());

    [Fact]
    public void Read_AppliesDefaults_WhenOnlyRequiredKeysAreSet()
    {
        var result = Read(ValidSettings());

        Assert.Empty(result.Problems);
        var mart = Assert.Single(result.Marts);
        Assert.Equal("daily", mart.Name);
        Assert.Equal(Path.Combine(sqlRoot.Root, "good.sql"), mart.SqlPath);
        Assert.Equal("0 3 * * *", mart.Cron);
        Assert.Equal(TimeZoneInfo.Utc, mart.TimeZone);
        Assert.Equal(TimeSpan.FromHours(1), mart.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(2), mart.PollInitialInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), mart.PollMaxInterval);
        Assert.True(mart.Enabled);
        Assert.Equal(new RedshiftTarget("wg", null, "dev", null, null), mart.Target);
    }

    [Fact]
    public void Read_ReadsEveryKey_WhenAllAreSet()
    {
        var settings = ValidSettings();
        settings["Marts:daily:SqlFile"] = "nested/other.sql";
        settings["Marts:daily:Cron"] = "*/30 * * * * *";
        settings["Marts:daily:TimeZone"] = "Europe/Paris";
        settings["Marts:daily:Timeout"] = "02:00:00";
        settings["Marts:daily:Poll:InitialInterval"] = "00:00:05";
        settings["Marts:daily:Poll:MaxInterval"] = "00:10:00";
        settings["Marts:daily:Enabled"] = "false";
        settings["Marts:daily:Redshift:ClusterIdentifier"] = "cluster-1";
        settings["Marts:daily:Redshift:DbUser"] = "etl";
        settings["Marts:manual:SqlFile"] = "good.sql";
        settings["Marts:manual:TimeZone"] = "Tokyo Standard Time";

        var result = Read(settings);

        Assert.Empty(result.Problems);
        var daily = result.Marts.Single(m => m.Name == "daily");
        Assert.Equal("*/30 * * * * *", daily.Cron);
        Assert.Equal(TimeSpan.FromHours(1), daily.TimeZone.BaseUtcOffset);
        Assert.Equal(TimeSpan.FromHours(2), daily.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(5), daily.PollInitialInterval);
        Assert.Equal(TimeSpan.FromMinutes(10), daily.PollMaxInterval);
        Assert.False(daily.Enabled);
        // The mart's own cluster replaces the global workgroup.
        Assert.Equal(new RedshiftTarget(null, "cluster-1", "dev", "etl", null), daily.Target);
        var manual = result.Marts.Single(m => m.Name == "manual");
        Assert.Null(manual.Cron);
        Assert.Equal(TimeSpan.FromHours(9), manual.TimeZone.BaseUtcOffset);
    }

    public static TheoryData<string, string?, string, string> SingleMistakes => new()
    {
        // key, value, key named in the problem, words of the expectation
        { "Marts:daily:Cron", "61 * * * *", "Marts:daily:Cron", "Cronos expression" },
        { "Marts:daily:Cron", "* * * *", "Marts:daily:Cron", "5 fields" },
        { "Marts:daily:Cron", "0 0 0 * * * *", "Marts:daily:Cron", "6 (seconds first)" },
        { "Marts:daily:TimeZone", "Mars/Olympus", "Marts:daily:TimeZone", "IANA" },
        { "Marts:daily:Timeout", "1.00:00:01", "Marts:daily:Timeout", "at most 1.00:00:00" },
        { "Marts:daily:Timeout", "00:00:00", "Marts:daily:Timeout", "greater than zero" },
        { "Marts:daily:Timeout", "soon", "Marts:daily:Timeout", "a TimeSpan" },
        { "Marts:daily:Poll:InitialInterval", "00:00:00.5", "Marts:daily:Poll:InitialInterval", "from 00:00:01" },
        { "Marts:daily:Poll:MaxInterval", "01:00:00", "Marts:daily:Poll:MaxInterval", "to 00:30:00" },
        { "Marts:daily:Poll:MaxInterval", "00:00:01", "Marts:daily:Poll:MaxInterval", "at least Poll:InitialInterval" },
        { "Marts:daily:Enabled", "yes", "Marts:daily:Enabled", "true or false" },
        { "Marts:daily:SqlFile", "missing.sql", "Marts:daily:SqlFile", "an existing file" },
        { "Marts:daily:SqlFile", "../outside.sql", "Marts:daily:SqlFile", "inside Sql:Root" },
        { "Marts:daily:SqlFile", "/etc/passwd", "Marts:daily:SqlFile", "inside Sql:Root" },
        { "Marts:daily:SqlFile", "broken.sql", "Marts:daily:SqlFile", "line 2, column 8: Unterminated string literal" },
        { "Marts:daily:SqlFile", "", "Marts:daily:SqlFile", "the mart's SQL file" },
        { "Marts:daily:Crom", "0 3 * * *", "Marts:daily:Crom", "a known mart key" },
        { "Marts:daily:Redshift:ClusterIdentifier", "c1", "Marts:daily:Redshift:ClusterIdentifier", "exactly one of WorkgroupName and ClusterIdentifier" },
        { "Redshift:WorkgroupName", "", "Marts:daily:Redshift:WorkgroupName", "a Redshift Serverless workgroup or a cluster" },
        { "Redshift:Database", null, "Marts:daily:Redshift:Database", "the database" },
        { "Sql:Root", "/nonexistent/marts", "Sql:Root", "an existing folder" },
        { "Marts:bad name!:SqlFile", "good.sql", "Marts:bad name!", "letters, digits" },
    };

    [Theory]
    [MemberData(nameof(SingleMistakes))]
    public void Read_ReportsProblemNamingKeyAndExpectation_WhenOneValueIsWrong(string key, string? value, string problemKey, string expected)
    {
        var settings = ValidSettings();
        settings[key] = value;
        if (key.StartsWith("Marts:daily:Redshift:ClusterIdentifier", StringComparison.Ordinal))
        {
            settings["Marts:daily:Redshift:WorkgroupName"] = "wg2";
        }

        var result = Read(settings);

        var problem = Assert.Single(result.Problems, p => p.Key == problemKey);
        Assert.Contains(expected, problem.Expected, StringComparison.Ordinal);
        if (!string.IsNullOrEmpty(value) && problemKey == key)
        {
            // An unknown key may be a mistyped secret: its value is never echoed.
            Assert.Equal(expected == "a known mart key" ? "(not shown)" : value, problem.Value);
        }
    }

    [Fact]
    public void Read_AcceptsRegionlessConfiguration_WhenServiceUrlIsSet()
    {
        var settings = ValidSettings();
        settings.Remove("Redshift:Region");
        settings["Redshift:ServiceUrl"] = "http://127.0.0.1:4566";

        var result = Read(settings);

        Assert.Empty(result.Problems);
    }

    [Fact]
    public void ReadOrThrow_ListsEveryProblemOnItsOwnLine_WhenSeveralValuesAreWrong()
    {
        var settings = ValidSettings();
        settings["Marts:daily:Cron"] = "not a cron";
        settings["Marts:zoned:SqlFile"] = "good.sql";
        settings["Marts:zoned:TimeZone"] = "Nowhere/Special";
        settings["Marts:missing:SqlFile"] = "nope.sql";
        settings["Marts:escape:SqlFile"] = "../outside.sql";
        settings["Marts:both:SqlFile"] = "good.sql";
        settings["Marts:both:Redshift:WorkgroupName"] = "wg";
        settings["Marts:both:Redshift:ClusterIdentifier"] = "c1";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var exception = Assert.Throws<SchedulerConfigurationException>(() => MartConfiguration.ReadOrThrow(configuration, Directory.GetCurrentDirectory()));

        Assert.Equal(5, exception.Problems.Count);
        var lines = exception.Message.Split(Environment.NewLine);
        Assert.Contains(lines, l => l.Contains("Marts:daily:Cron = 'not a cron'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Marts:zoned:TimeZone = 'Nowhere/Special'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Marts:missing:SqlFile = 'nope.sql': an existing file", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Marts:escape:SqlFile = '../outside.sql': a file inside Sql:Root", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("Marts:both:Redshift:ClusterIdentifier = 'c1': exactly one of", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("0 3 * * *")]
    [InlineData("*/15 * * * * *")]
    [InlineData("@daily")]
    [InlineData("0 0 L * *")]
    public void ParseCron_Accepts_WhenExpressionHasFiveOrSixFields(string cron)
    {
        var expression = MartConfiguration.ParseCron(cron);

        Assert.NotNull(expression.GetNextOccurrence(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
    }
}
