using Microsoft.Extensions.Configuration;
using Scheduler.Marts;
using Scheduler.Marts.Definitions;

namespace Scheduler.Tests.Marts;

public sealed class MartDefinitionFilesTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("scheduler-defs-").FullName;

    public MartDefinitionFilesTests()
    {
        Root = Directory.CreateDirectory(Path.Combine(_parent, "marts")).FullName;
        File.WriteAllText(Path.Combine(_parent, "outside.sql"), "SELECT 'secret';");
    }

    private string Root { get; }

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private MartConfigurationResult Read(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = "Host=127.0.0.1;Database=x",
            ["Redshift:Region"] = "eu-west-1",
            ["Redshift:WorkgroupName"] = "wg",
            ["Redshift:Database"] = "dev",
            ["Sql:Root"] = Root,
        };
        foreach (var (key, value) in more ?? [])
        {
            settings[key] = value;
        }

        return MartConfiguration.Read(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), Directory.GetCurrentDirectory());
    }

    [Fact]
    public void Read_LoadsMartFromFile_WithCommentsTrailingCommasSubfolderAndDefaultSqlFile()
    {
        Write("finance/daily.sql", "DELETE FROM t; INSERT INTO t SELECT 1;");
        Write("finance/daily.mart.json", """
            // The daily finance mart.
            {
              /* every night */ "Cron": "0 3 * * *",
              "TimeZone": "Europe/Paris",
              "Poll": { "InitialInterval": "00:00:05", },
            }
            """);

        var result = Read();

        Assert.Empty(result.Problems);
        var mart = Assert.Single(result.Marts);
        Assert.Equal("daily", mart.Name);
        Assert.Equal("finance/daily.sql", mart.SqlFile);
        Assert.Equal(Path.Combine(Root, "finance", "daily.sql"), mart.SqlPath);
        Assert.Equal("finance/daily.mart.json", mart.DefinitionFile);
        Assert.Equal("0 3 * * *", mart.Cron);
        Assert.Equal(TimeSpan.FromSeconds(5), mart.PollInitialInterval);
        Assert.Equal("finance/daily.mart.json", Assert.Single(result.Entries).Source);
    }

    [Fact]
    public void Read_ResolvesSqlFileRelativeToTheDefinitionsFolder_WhenGiven()
    {
        Write("a/shared.sql", "SELECT 1;");
        Write("a/b/report.mart.json", """{ "SqlFile": "../shared.sql" }""");

        var mart = Assert.Single(Read().Marts);

        Assert.Equal("a/shared.sql", mart.SqlFile);
        Assert.Null(mart.Cron);
    }

    [Fact]
    public void Read_ReportsKeyValueAndLine_WhenAFileHasBadValues()
    {
        Write("daily.sql", "SELECT 1;");
        Write("daily.mart.json", """
            {
              "Cron": "61 * * * *",
              "Crom": "typo"
            }
            """);

        var result = Read();

        Assert.Empty(result.Marts);
        var entry = Assert.Single(result.Entries);
        Assert.Null(entry.Definition);
        var cron = Assert.Single(entry.Problems, p => p.Key == "daily.mart.json:Cron");
        Assert.Equal(("61 * * * *", 2, "daily.mart.json", "daily"), (cron.Value, cron.Line, cron.File, cron.Mart));
        Assert.Contains("Cronos expression", cron.Expected, StringComparison.Ordinal);
        var typo = Assert.Single(entry.Problems, p => p.Key == "daily.mart.json:Crom");
        Assert.Equal(3, typo.Line);
        Assert.Equal("daily.mart.json:Cron (line 2) = '61 * * * *': " + cron.Expected, cron.ToString());
    }

    [Fact]
    public void Read_ReportsInvalidSql_WithTheSplittersLine_SoABrokenFileShowsBeforeItsNextRun()
    {
        Write("daily.sql", "SELECT 1;\nSELECT 'unterminated;\n");
        Write("daily.mart.json", """{ "Cron": "0 3 * * *" }""");

        var problem = Assert.Single(Assert.Single(Read().Entries).Problems);

        Assert.Equal("daily.mart.json:SqlFile", problem.Key);
        Assert.Equal("daily.sql", problem.Value);
        Assert.Contains("line 2", problem.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ReportsLineAndColumn_WhenTheJsonIsInvalid()
    {
        Write("daily.sql", "SELECT 1;");
        Write("daily.mart.json", "{\n  \"Cron\": \"0 3 * * *\"\n  \"TimeZone\": \"UTC\"\n}");

        var problem = Assert.Single(Assert.Single(Read().Entries).Problems);

        Assert.Equal("daily.mart.json", problem.Key);
        Assert.Equal(3, problem.Line);
        Assert.Contains("valid JSON", problem.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ReportsMissingDefaultSqlFile_NamingThePath()
    {
        Write("lonely.mart.json", "{}");

        var problem = Assert.Single(Assert.Single(Read().Entries).Problems);

        Assert.Equal("lonely.mart.json:SqlFile", problem.Key);
        Assert.Contains("not found", problem.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ReportsBothPlaces_WhenANameIsDefinedTwice()
    {
        Write("a/daily.sql", "SELECT 1;");
        Write("b/daily.sql", "SELECT 2;");
        Write("a/daily.mart.json", "{}");
        Write("b/daily.mart.json", "{}");
        Write("other.sql", "SELECT 3;");
        Write("other.mart.json", "{}");

        var result = Read(new() { ["Marts:other:SqlFile"] = "other.sql" });

        Assert.Empty(result.Marts);
        var daily = Assert.Single(result.Entries, e => e.Name == "daily");
        Assert.Equal(2, daily.Problems.Count);
        Assert.Contains(daily.Problems, p => p.File == "a/daily.mart.json" && p.Expected.Contains("b/daily.mart.json", StringComparison.Ordinal));
        var other = Assert.Single(result.Entries, e => e.Name == "other");
        Assert.Contains(other.Problems, p => p.Key == "Marts:other" && p.Expected.Contains("other.mart.json", StringComparison.Ordinal));
        Assert.Contains(other.Problems, p => p.Key == "other.mart.json" && p.Expected.Contains("Marts:other", StringComparison.Ordinal));
    }

    [Fact]
    public void Read_DoesNotTakeSettingsUnderMartsForMarts()
    {
        var result = Read(new() { ["Marts:StrictStartup"] = "false", ["Marts:RescanInterval"] = "00:00:02" });

        Assert.Empty(result.Problems);
        Assert.Empty(result.Entries);
    }

    [Fact]
    public void Read_RefusesSqlFile_WhenASymbolicLinkInsideTheRootLeadsOutside()
    {
        File.CreateSymbolicLink(Path.Combine(Root, "sneaky.sql"), Path.Combine(_parent, "outside.sql"));
        Directory.CreateSymbolicLink(Path.Combine(Root, "up"), _parent);
        Write("fine.sql", "SELECT 1;");
        File.CreateSymbolicLink(Path.Combine(Root, "alias.sql"), "fine.sql");

        var result = Read(new()
        {
            ["Marts:sneaky:SqlFile"] = "sneaky.sql",
            ["Marts:viafolder:SqlFile"] = "up/outside.sql",
            ["Marts:alias:SqlFile"] = "alias.sql",
        });

        Assert.Equal("alias", Assert.Single(result.Marts).Name);
        Assert.Equal(Path.Combine(Root, "fine.sql"), result.Marts[0].SqlPath);
        foreach (var name in new[] { "sneaky", "viafolder" })
        {
            var problem = Assert.Single(result.Problems, p => p.Mart == name);
            Assert.Equal($"Marts:{name}:SqlFile", problem.Key);
            Assert.Contains("once symbolic links are followed", problem.Expected, StringComparison.Ordinal);
            // Where the link leads is a server path: a Viewer sees the problem, so it is not shown.
            Assert.DoesNotContain(Path.Combine(_parent, "outside.sql"), problem.Expected, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Read_RefusesDefinitionFile_WhenItIsALinkLeadingOutside()
    {
        File.WriteAllText(Path.Combine(_parent, "evil.mart.json"), """{ "SqlFile": "../outside.sql" }""");
        File.CreateSymbolicLink(Path.Combine(Root, "evil.mart.json"), Path.Combine(_parent, "evil.mart.json"));

        var entry = Assert.Single(Read().Entries);

        Assert.Null(entry.Definition);
        Assert.Contains("refused", Assert.Single(entry.Problems).Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1, 2]")]
    [InlineData("{} {}")]
    public void Parse_ReportsAProblem_WhenTheFileIsNotOneObject(string text)
    {
        var file = MartDefinitionFile.Parse("/x/a.mart.json", "a.mart.json", System.Text.Encoding.UTF8.GetBytes(text));

        Assert.NotNull(file.SyntaxError);
        Assert.Equal("a", file.MartName);
    }
}
