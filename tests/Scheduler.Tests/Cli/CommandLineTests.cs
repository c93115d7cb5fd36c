using System.Text.Json;
using Scheduler.Cli;

namespace Scheduler.Tests.Cli;

public sealed class CommandLineTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scheduler-cli-").FullName;

    public CommandLineTests()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "sql", "marts"));
        File.WriteAllText(Path.Combine(_directory, "sql", "marts", "good.sql"), "DELETE FROM t;\nINSERT INTO t SELECT 1;\n");
        File.WriteAllText(Path.Combine(_directory, "outside.sql"), "SELECT 1");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<(int ExitCode, string Out, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandLine.RunAsync(args, TextReader.Null, output, error, CancellationToken.None);
        return (exitCode, output.ToString(), error.ToString());
    }

    private string[] BaseArgs(string command) =>
    [
        command, "--contentRoot", _directory,
        "--ConnectionStrings:Scheduler=Host=127.0.0.1;Database=x",
        "--Redshift:ServiceUrl=http://127.0.0.1:4566", "--Redshift:WorkgroupName=wg", "--Redshift:Database=dev",
    ];

    [Fact]
    public async Task Split_PrintsJsonArray_WhenFileIsValid()
    {
        var file = Path.Combine(_directory, "a.sql");
        await File.WriteAllTextAsync(file, "-- header\nSELECT 'a;b';\r\nSELECT $$x;y$$;\n/* trailing */");

        var (exitCode, output, error) = await RunAsync("split", file);

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        var statements = JsonSerializer.Deserialize<string[]>(output);
        Assert.Equal(["-- header\nSELECT 'a;b'", "SELECT $$x;y$$"], statements!);
    }

    [Theory]
    [InlineData("SELECT 1;\nSELECT 'abc", 2, 8)]
    [InlineData("SELECT 1;\n\n   /* open", 3, 4)]
    [InlineData("-- nothing\n", 2, 1)]
    public async Task Split_ExitsTwoWithLineAndColumn_WhenSqlIsInvalid(string sql, int line, int column)
    {
        var file = Path.Combine(_directory, "bad.sql");
        await File.WriteAllTextAsync(file, sql);

        var (exitCode, output, error) = await RunAsync("split", file);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains($"line {line}, column {column}", error, StringComparison.Ordinal);
        Assert.Contains(file, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Split_ExitsOne_WhenFileIsMissing()
    {
        var (exitCode, _, error) = await RunAsync("split", Path.Combine(_directory, "none.sql"));

        Assert.Equal(1, exitCode);
        Assert.Contains("none.sql", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Split_ExitsOneWithUsage_WhenFileIsNotGiven()
    {
        var (exitCode, _, error) = await RunAsync("split");

        Assert.Equal(1, exitCode);
        Assert.Contains("Usage: split FILE", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ExitsOneListingCommands_WhenCommandIsUnknown()
    {
        var (exitCode, _, error) = await RunAsync("frobnicate");

        Assert.Equal(1, exitCode);
        Assert.Contains("Unknown command 'frobnicate'", error, StringComparison.Ordinal);
        Assert.Contains("validate", error, StringComparison.Ordinal);
        Assert.Contains("split FILE", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_PrintsStatementCountAndNextFireTimesInZone_WhenConfigurationIsValid()
    {
        var args = BaseArgs("validate").Concat(
        [
            "--Marts:paris:SqlFile=good.sql", "--Marts:paris:Cron=30 6 * * *", "--Marts:paris:TimeZone=Europe/Paris",
            "--Marts:manual:SqlFile=good.sql",
        ]).ToArray();

        var (exitCode, output, error) = await RunAsync(args);

        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        var paris = output.Split('\n').Single(l => l.StartsWith("paris:", StringComparison.Ordinal));
        Assert.Contains("2 statement(s)", paris, StringComparison.Ordinal);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(paris, @"\d{4}-\d{2}-\d{2} 06:30:00\+0[12]:00"));
        var manual = output.Split('\n').Single(l => l.StartsWith("manual:", StringComparison.Ordinal));
        Assert.Contains("manual only", manual, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_PrintsMartsInDependencyOrder_AndRefusesACycleNamingIt()
    {
        var ordered = BaseArgs("validate").Concat(
        [
            "--Marts:report:SqlFile=good.sql", "--Marts:report:DependsOn:0=clean",
            "--Marts:clean:SqlFile=good.sql", "--Marts:clean:DependsOn:0=raw",
            "--Marts:raw:SqlFile=good.sql",
        ]).ToArray();
        var cyclic = BaseArgs("validate").Concat(
        [
            "--Marts:a:SqlFile=good.sql", "--Marts:a:DependsOn:0=b",
            "--Marts:b:SqlFile=good.sql", "--Marts:b:DependsOn:0=a",
        ]).ToArray();

        var (okCode, output, _) = await RunAsync(ordered);
        var (cycleCode, _, error) = await RunAsync(cyclic);

        Assert.Equal(0, okCode);
        var marts = output.Split('\n').Where(l => l.Length > 0 && !l.StartsWith(' ') && !l.StartsWith("Configuration", StringComparison.Ordinal))
            .Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToList();
        Assert.Equal(["raw", "clean", "report"], marts);
        Assert.Contains(output.Split('\n'), l => l.StartsWith("report:", StringComparison.Ordinal) && l.Contains("depends on clean", StringComparison.Ordinal));
        Assert.Equal(1, cycleCode);
        Assert.Contains("a → b → a", error, StringComparison.Ordinal);
        Assert.Contains("Marts:a:DependsOn", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ExitsOneNamingEveryMistake_WhenConfigurationHasSeveral()
    {
        var args = BaseArgs("validate").Concat(
        [
            "--Marts:badcron:SqlFile=good.sql", "--Marts:badcron:Cron=99 * * * *",
            "--Marts:badzone:SqlFile=good.sql", "--Marts:badzone:TimeZone=Atlantis/Lost",
            "--Marts:nofile:SqlFile=missing.sql",
            "--Marts:escapes:SqlFile=../../outside.sql",
            "--Marts:both:SqlFile=good.sql", "--Marts:both:Redshift:ClusterIdentifier=c1", "--Marts:both:Redshift:WorkgroupName=wg",
        ]).ToArray();

        var (exitCode, output, error) = await RunAsync(args);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("5 problem(s)", error, StringComparison.Ordinal);
        Assert.Contains("Marts:badcron:Cron = '99 * * * *'", error, StringComparison.Ordinal);
        Assert.Contains("Marts:badzone:TimeZone = 'Atlantis/Lost'", error, StringComparison.Ordinal);
        Assert.Contains("Marts:nofile:SqlFile = 'missing.sql': an existing file", error, StringComparison.Ordinal);
        Assert.Contains("Marts:escapes:SqlFile = '../../outside.sql': a file inside Sql:Root", error, StringComparison.Ordinal);
        Assert.Contains("Marts:both:Redshift:ClusterIdentifier = 'c1': exactly one of WorkgroupName and ClusterIdentifier", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NamesServiceSettingsProblems_BesideTheMarts_WithTheSameValidatorsAsStartUp()
    {
        var args = BaseArgs("validate").Concat(
        [
            "--Marts:badcron:SqlFile=good.sql", "--Marts:badcron:Cron=99 * * * *",
            "--Runs:CancelGrace=1.02:00:00", "--Runs:PurgeBatchSize=0", "--Hangfire:WorkerCount=0", "--Watching:WaitTimeSeconds=31",
        ]).ToArray();

        var (exitCode, output, error) = await RunAsync(args);

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("5 problem(s)", error, StringComparison.Ordinal);
        Assert.Contains("Marts:badcron:Cron = '99 * * * *'", error, StringComparison.Ordinal);
        Assert.Contains("Runs:CancelGrace = '1.02:00:00': a duration from 00:00:01 to 01:00:00", error, StringComparison.Ordinal);
        Assert.Contains("Runs:PurgeBatchSize = '0': a whole number from 1 to 1000000", error, StringComparison.Ordinal);
        Assert.Contains("Hangfire:WorkerCount = '0'", error, StringComparison.Ordinal);
        Assert.Contains("Watching:WaitTimeSeconds = '31': a whole number from 1 to 30", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_ExitsOneListingProblems_WhenConfigurationIsBadAndStartupIsStrict()
    {
        var args = BaseArgs("serve").Concat(["--urls", "http://127.0.0.1:0", "--Marts:StrictStartup=true", "--Marts:x:SqlFile=good.sql", "--Marts:x:Timeout=25:00:00"]).ToArray();

        var (exitCode, _, error) = await RunAsync(args);

        Assert.Equal(1, exitCode);
        Assert.Contains("Marts:x:Timeout = '25:00:00'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_ReportsDefinitionFileProblemsWithFileAndLine_AsThePageDoes()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_directory, "sql", "marts", "team")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "daily.sql"), "SELECT 1;");
        await File.WriteAllTextAsync(Path.Combine(folder, "daily.mart.json"), "{\n  // nightly\n  \"Cron\": \"0 25 * * *\",\n}");

        var (exitCode, output, error) = await RunAsync(BaseArgs("validate"));

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("team/daily.mart.json:Cron (line 3) = '0 25 * * *': a Cronos expression", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_AcceptsTheSampleConfiguration_WhenRunFromTheRepository()
    {
        var repository = FindRepositoryRoot();

        var (exitCode, output, error) = await RunAsync(
            "validate", "--contentRoot", Path.Combine(repository, "src", "Scheduler"), "--environment", "Development");

        Assert.True(exitCode == 0, error);
        Assert.Contains("customer_summary: customer_summary.sql (defined in customer_summary.mart.json), 2 statement(s)", output, StringComparison.Ordinal);
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Scheduler.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Scheduler.sln not found above the test binaries.");
    }
}
