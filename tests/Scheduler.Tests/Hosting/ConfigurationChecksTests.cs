using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Scheduler.Configuration;
using Scheduler.Database;
using Scheduler.Hosting;
using Scheduler.Marts;
using Scheduler.Security;

namespace Scheduler.Tests.Hosting;

public sealed class ConfigurationChecksTests : IDisposable
{
    private static readonly string s_validHash = PasswordHash.Create("secret", PasswordHash.MinIterations).ToString();

    private readonly string _directory = Directory.CreateTempSubdirectory("scheduler-checks-").FullName;

    public ConfigurationChecksTests()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "sql", "marts"));
        File.WriteAllText(Path.Combine(_directory, "sql", "marts", "good.sql"), "SELECT 1;");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string[] Args(params string[] more) =>
    [
        "--urls", "http://127.0.0.1:0", "--contentRoot", _directory,
        "--ConnectionStrings:Scheduler=Host=127.0.0.1;Database=unused",
        "--Redshift:ServiceUrl=http://127.0.0.1:4566", "--Redshift:WorkgroupName=wg", "--Redshift:Database=dev",
        "--Marts:sample:SqlFile=good.sql",
        .. more,
    ];

    [Fact]
    public void Build_ListsEveryProblemOfEveryAreaAtOnce_WhenManyKeysAreBad()
    {
        var exception = Assert.Throws<SchedulerConfigurationException>(() => SchedulerApplication.Build(Args(
            "--Sql:Root=no/such/folder",
            "--Database:Schema=Bad-Name",
            "--Runs:CancelGrace=1.02:00:00",
            "--Hangfire:WorkerCount=0",
            "--Watching:WaitTimeSeconds=31",
            "--Backfills:SweepInterval=soon",
            "--Redshift:MaxActiveStatements=-1",
            "--Redshift:MaxAttempts=0",
            $"--Security:Users:alice:PasswordHash={s_validHash}", "--Security:Users:alice:Role=Root",
            "--Alerts:MaxAttempts=0")));

        Assert.Equal(
        [
            "Alerts:MaxAttempts",
            "Backfills:SweepInterval",
            "Database:Schema",
            "Hangfire:WorkerCount",
            "Redshift:MaxActiveStatements",
            "Redshift:MaxAttempts",
            "Runs:CancelGrace",
            "Security:Users:alice:Role",
            "Sql:Root",
            "Watching:WaitTimeSeconds",
        ], exception.Problems.Select(p => p.Key).Order(StringComparer.Ordinal));
        // Each with the value found and what was expected, one per line.
        Assert.Contains("Database:Schema = 'Bad-Name': a lower-case PostgreSQL identifier", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Backfills:SweepInterval = 'soon': a value of type System.TimeSpan", exception.Message, StringComparison.Ordinal);
        Assert.Equal(exception.Problems.Count + 1, exception.Message.Split(Environment.NewLine).Length);
    }

    [Fact]
    public async Task FindProblems_HidesSecretValues_WhenSecretLikeKeysOrParametersAreBad()
    {
        await using var app = SchedulerApplication.BuildUnstarted(Args(
            "--Marts:sample:Parameters:db_password=hunter2",
            "--Marts:sample:Parameters:region=eu"));

        var problems = ConfigurationChecks.FindProblems(app.Services, ConfigurationCheckScope.Everything);

        // Neither parameter is used by the SQL: both are listed, the credential-like one without its value.
        Assert.Equal(SecretValues.Hidden, Assert.Single(problems, p => p.Key == "Marts:sample:Parameters:db_password").Value);
        Assert.Equal("eu", Assert.Single(problems, p => p.Key == "Marts:sample:Parameters:region").Value);
        Assert.DoesNotContain(problems, p => p.ToString().Contains("hunter2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FindProblems_ListsABrokenMartOnlyWhenAskedForEverything_WhenStartupIsNotStrict()
    {
        await using var app = SchedulerApplication.BuildUnstarted(Args("--Marts:broken:SqlFile=good.sql", "--Marts:broken:Cron=every day"));

        Assert.Empty(ConfigurationChecks.FindProblems(app.Services, ConfigurationCheckScope.StartUp));
        Assert.Equal("Marts:broken:Cron", Assert.Single(ConfigurationChecks.FindProblems(app.Services, ConfigurationCheckScope.Everything)).Key);
    }

    [Theory]
    [InlineData("ConnectionStrings:Scheduler", true)]
    [InlineData("Security:Users:alice:PasswordHash", true)]
    [InlineData("Alerts:WebhookUrl", true)]
    [InlineData("Marts:daily:Parameters:api_key", true)]
    [InlineData("Marts:daily:Parameters:AccessToken", true)]
    [InlineData("Marts:daily:Redshift:SecretArn", true)]
    [InlineData("Marts:daily:Parameters:region", false)]
    [InlineData("Runs:CancelGrace", false)]
    public void ConfigurationProblem_HidesTheValue_WhenTheKeyIsSecretLike(string key, bool hidden)
    {
        var problem = new ConfigurationProblem(key, "value-123", "something else");

        Assert.Equal(hidden ? SecretValues.Hidden : "value-123", problem.Value);
        Assert.Equal(!hidden, problem.ToString().Contains("value-123", StringComparison.Ordinal));
    }
}

[Trait("Category", "Fast")]
public sealed class DatabaseSchemaKeyTests
{
    private static (SchedulerDatabaseOptions Options, IReadOnlyList<ConfigurationProblem> Problems) Read(Dictionary<string, string?> settings)
    {
        settings["ConnectionStrings:Scheduler"] = "Host=127.0.0.1;Database=x";
        var services = new ServiceCollection().AddLogging();
        services.AddSchedulerDatabase(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        using var provider = services.BuildServiceProvider();
        var problems = ConfigurationChecks.FindProblems(provider, ConfigurationCheckScope.StartUp);
        return (problems.Count == 0 ? provider.GetRequiredService<IOptions<SchedulerDatabaseOptions>>().Value : new SchedulerDatabaseOptions(), problems);
    }

    [Theory]
    [InlineData(null, null, "scheduler")]
    [InlineData("alpha", null, "alpha")]
    [InlineData(null, "beta", "beta")]
    [InlineData("gamma", "gamma", "gamma")]
    public void Schema_IsReadFromDatabaseSchemaElseItsOldNameRunsSchema(string? schema, string? legacy, string expected)
    {
        var (options, problems) = Read(new() { ["Database:Schema"] = schema, ["Runs:Schema"] = legacy });

        Assert.Empty(problems);
        Assert.Equal(expected, options.Schema);
    }

    [Fact]
    public void Schema_IsAProblemNamingBothKeys_WhenDatabaseSchemaAndRunsSchemaDiffer()
    {
        var (_, problems) = Read(new() { ["Database:Schema"] = "alpha", ["Runs:Schema"] = "beta" });

        var problem = Assert.Single(problems);
        Assert.Equal("Runs:Schema", problem.Key);
        Assert.Equal("beta", problem.Value);
        Assert.Contains("Database:Schema ('alpha')", problem.Expected, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Database:Schema")]
    [InlineData("Runs:Schema")]
    public void Schema_ProblemNamesTheKeyThatWasSet_WhenTheSchemaIsNotAnIdentifier(string key)
    {
        var (_, problems) = Read(new() { [key] = "Bad-Name" });

        Assert.Equal($"{key} = 'Bad-Name': a lower-case PostgreSQL identifier (a-z, 0-9, _; at most 63 characters)", Assert.Single(problems).ToString());
    }
}
