using Microsoft.Extensions.Configuration;
using Scheduler.Marts;

namespace Scheduler.Tests.RunDates;

/// <summary>The run-date keys of a mart: parameters (used and supplied), MaxActiveRuns, CatchUp, MaxCatchUp, Retry.</summary>
[Trait("Category", "Fast")]
public sealed class RunDatesConfigurationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("scheduler-rundates-").FullName;

    public RunDatesConfigurationTests()
    {
        File.WriteAllText(Path.Combine(_root, "params.sql"),
            "DELETE FROM t WHERE d = :run_date;\nINSERT INTO t SELECT :run_date::date, :region, x::text FROM s WHERE ts >= :interval_start;\n");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private MartConfigurationResult Read(Dictionary<string, string?> mart)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = "Host=127.0.0.1;Database=x",
            ["Redshift:Region"] = "eu-west-1",
            ["Redshift:WorkgroupName"] = "wg",
            ["Redshift:Database"] = "dev",
            ["Sql:Root"] = _root,
            ["Marts:p:SqlFile"] = "params.sql",
        };
        foreach (var (key, value) in mart)
        {
            settings[$"Marts:p:{key}"] = value;
        }

        return MartConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), _root);
    }

    [Fact]
    public void Read_TakesEveryKey_WhenValid()
    {
        var result = Read(new()
        {
            ["Parameters:region"] = "eu",
            ["MaxActiveRuns"] = "3",
            ["CatchUp"] = "all",
            ["MaxCatchUp"] = "100",
            ["Retry:Attempts"] = "2",
            ["Retry:Delay"] = "00:01:00",
            ["Retry:OnErrors:0"] = "serializable isolation",
            ["Retry:OnErrors:1"] = "lock .* timeout",
        });

        Assert.Empty(result.Problems);
        var mart = Assert.Single(result.Marts);
        Assert.Equal("eu", mart.Parameters["region"]);
        Assert.Equal(3, mart.MaxActiveRuns);
        Assert.Equal(MartCatchUp.All, mart.CatchUp);
        Assert.Equal(100, mart.MaxCatchUp);
        Assert.Equal(2, mart.Retry.Attempts);
        Assert.Equal(TimeSpan.FromMinutes(1), mart.Retry.Delay);
        Assert.Equal(2, mart.Retry.OnErrors.Count);
        Assert.Matches(mart.Retry.OnErrors[1], "ERROR: LOCK wait TIMEOUT");
        Assert.Equal([["run_date"], ["run_date", "region", "interval_start"]], mart.StatementParameters);
    }

    [Fact]
    public void Read_AppliesTheDefaults()
    {
        var mart = Assert.Single(Read(new() { ["Parameters:region"] = "eu" }).Marts);

        Assert.Equal(1, mart.MaxActiveRuns);
        Assert.Equal(MartCatchUp.Latest, mart.CatchUp);
        Assert.Equal(24, mart.MaxCatchUp);
        Assert.Equal(0, mart.Retry.Attempts);
        Assert.Equal(TimeSpan.FromMinutes(5), mart.Retry.Delay);
    }

    [Fact]
    public void Read_NamesAParameterTheSqlUsesWithoutAValue_AndOneSuppliedButUnused()
    {
        var result = Read(new() { ["Parameters:regoin"] = "eu" });

        Assert.Contains(result.Problems, p => p.Key == "Marts:p:Parameters:region" && p.Expected.Contains("statement 2 uses", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Key == "Marts:p:Parameters:regoin" && p.Expected.Contains("no statement uses :regoin", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Parameters:run_date", "2026-01-01", "built-in")]
    [InlineData("Parameters:region", "", "non-empty")]
    [InlineData("MaxActiveRuns", "0", "from 1 to 50")]
    [InlineData("CatchUp", "Some", "None, Latest or All")]
    [InlineData("CatchUp", "1", "None, Latest or All")]
    [InlineData("MaxCatchUp", "5000", "from 1 to 1000")]
    [InlineData("Retry:Attempts", "-1", "from 0 to 20")]
    [InlineData("Retry:Delay", "02:00:00", "01:00:00")]
    [InlineData("Retry:OnErrors:0", "(unclosed", "valid regular expression")]
    [InlineData("Retry:Bogus", "1", "known mart key")]
    public void Read_NamesTheKey_WhenARunDateKeyIsWrong(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["Parameters:region"] = "eu", [key] = value };

        var result = Read(settings);

        Assert.Contains(result.Problems, p => p.Key == $"Marts:p:{key}" && p.Expected.Contains(expected, StringComparison.Ordinal));
    }
}
