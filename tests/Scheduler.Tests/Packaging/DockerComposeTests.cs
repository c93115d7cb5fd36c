using System.Data.Common;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.Configuration;
using Scheduler.Marts;

namespace Scheduler.Tests.Packaging;

/// <summary>
/// docker-compose.yml cannot be run here (no Docker engine), so these check that it parses and that what it names
/// agrees with the programs: configuration keys they read, ports they listen on, addresses of the other services.
/// </summary>
[Trait("Category", "Fast")]
public sealed partial class DockerComposeTests
{
    private static readonly Lazy<ComposeFile> s_compose = new(() => ComposeFile.Load(RepositoryFiles.PathOf("docker-compose.yml")));

    private static ComposeFile Compose => s_compose.Value;

    [Fact]
    public void Load_FindsPostgresEmulatorAndScheduler_EachWithAHealthCheck()
    {
        Assert.Equal(["emulator", "postgres", "scheduler"], Compose.Services.Keys.Order(StringComparer.Ordinal));
        foreach (var service in Compose.Services.Values)
        {
            Assert.True(service.HealthcheckTest is { Count: > 1 } && service.HealthcheckTest[0] is "CMD" or "CMD-SHELL",
                $"services.{service.Name} needs a healthcheck with a CMD test");
        }

        Assert.StartsWith("postgres:", Compose.Services["postgres"].Image, StringComparison.Ordinal);
        Assert.Equal("src/RedshiftDataEmulator/Dockerfile", Compose.Services["emulator"].Dockerfile);
        Assert.Equal("src/Scheduler/Dockerfile", Compose.Services["scheduler"].Dockerfile);
    }

    [Fact]
    public void DependsOn_WaitsUntilTheServicesItNeedsAreHealthy()
    {
        Assert.Equal("service_healthy", Compose.Services["emulator"].DependsOn["postgres"]);
        Assert.Equal("service_healthy", Compose.Services["scheduler"].DependsOn["postgres"]);
        Assert.Equal("service_healthy", Compose.Services["scheduler"].DependsOn["emulator"]);
    }

    [Fact]
    public void EnvironmentVariables_NameConfigurationKeysTheProgramsRead()
    {
        var problems = new List<string>();
        foreach (var service in Compose.Services.Values.Where(s => s.Dockerfile is not null))
        {
            var (assembly, sourceFolder) = ProgramOf(service);
            var keys = ConfigurationKeys.For(assembly, sourceFolder);
            foreach (var name in service.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal)))
            {
                var key = name.Replace("__", ":", StringComparison.Ordinal);
                if (!keys.IsRead(key, out _))
                {
                    problems.Add($"services.{service.Name}.environment.{name}: {assembly.GetName().Name} does not read '{key}'");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void ConfigurationKeys_RejectsAKeyNoProgramReads()
    {
        var keys = ConfigurationKeys.For(typeof(MartDefinition).Assembly, RepositoryFiles.PathOf("src/Scheduler"));

        Assert.True(keys.IsRead("Redshift:ServiceUrl", out var evidence), "the oracle should know Redshift:ServiceUrl");
        Assert.NotEmpty(evidence);
        Assert.False(keys.IsRead("Redshift:Workgroup", out _));
        Assert.False(keys.IsRead("Redshfit:WorkgroupName", out _));
    }

    [Fact]
    public void SchedulerEnvironment_IsAValidConfiguration_WithTheSampleMartScheduled()
    {
        var scheduler = Compose.Services["scheduler"];
        var environment = scheduler.Environment
            .Where(e => e.Key.Contains("__", StringComparison.Ordinal))
            .ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value, StringComparer.OrdinalIgnoreCase);

        // The image holds the repository's sql/marts at the path Sql:Root names.
        var sqlRoot = environment["Sql:Root"];
        var copy = Dockerfile.Load(RepositoryFiles.PathOf(scheduler.Dockerfile!)).FinalStage
            .Single(i => i.Keyword == "COPY" && i.Words.Count > 0 && i.Words[0] == "sql/marts/");
        Assert.Equal("/app/" + copy.Words[^1].TrimEnd('/'), sqlRoot!.TrimEnd('/'));
        environment["Sql:Root"] = RepositoryFiles.PathOf("sql/marts");

        var configuration = new ConfigurationBuilder()
            .AddJsonFile(RepositoryFiles.PathOf("src/Scheduler/appsettings.json"), optional: false)
            .AddInMemoryCollection(environment)
            .Build();
        var result = MartConfiguration.Read(configuration, RepositoryFiles.PathOf("src/Scheduler"));

        Assert.True(result.Problems.Count == 0, string.Join('\n', result.Problems));
        var mart = Assert.Single(result.Marts, m => m.Name == "customer_summary");
        Assert.Equal("*/5 * * * *", mart.Cron);
        Assert.True(mart.Enabled);
    }

    [Theory]
    [InlineData("emulator")]
    [InlineData("scheduler")]
    public void PublishedPort_IsTheOneTheServiceListensOnAndHealthChecks(string name)
    {
        var service = Compose.Services[name];
        var port = ListeningPort(service);

        var mapping = Assert.Single(service.Ports);
        Assert.Equal(port, mapping.Container);
        Assert.Contains($"127.0.0.1:{port}/", string.Join(' ', service.HealthcheckTest!), StringComparison.Ordinal);
    }

    [Fact]
    public void PublishedPorts_BindLoopbackOnly()
    {
        var ports = Compose.Services.Values.SelectMany(s => s.Ports.Select(p => (s.Name, p.Host, p.HostIp))).ToList();

        Assert.NotEmpty(ports);
        Assert.All(ports, p => Assert.True(p.HostIp == "127.0.0.1",
            $"services.{p.Name}.ports publishes {p.Host} on {p.HostIp ?? "every interface"}: write \"127.0.0.1:{p.Host}:…\""));
    }

    [Fact]
    public void Emulator_ChecksSignatures_AndPostgresRequiresPasswords()
    {
        var emulator = Compose.Services["emulator"].Environment;
        var postgres = Compose.Services["postgres"].Environment;

        Assert.False(string.IsNullOrEmpty(emulator.GetValueOrDefault("Emulator__AccessKeyId")));
        Assert.False(string.IsNullOrEmpty(emulator.GetValueOrDefault("Emulator__SecretAccessKey")));
        Assert.NotEqual("true", emulator.GetValueOrDefault("Emulator__AllowUnsigned")?.ToLowerInvariant());
        Assert.NotEqual("trust", postgres.GetValueOrDefault("POSTGRES_HOST_AUTH_METHOD"));
        Assert.False(string.IsNullOrEmpty(postgres.GetValueOrDefault("POSTGRES_PASSWORD")));
    }

    [Fact]
    public void LocalCluster_RequiresAPassword_NotTrust()
    {
        var runLocal = File.ReadAllText(RepositoryFiles.PathOf("scripts/run-local"));
        var postgres = File.ReadAllText(RepositoryFiles.PathOf("scripts/lib/postgres.sh"));

        // run-local gives its cluster a password; the helper then initialises it with scram-sha-256, not trust.
        Assert.Matches(@"PG_SUPERUSER_PASSWORD=""\$pg_password""[^\n]*pg_run ", runLocal);
        Assert.Matches(@"auth=\(--auth=scram-sha-256 --pwfile=", postgres);
        Assert.Contains("Password=$pg_password", runLocal, StringComparison.Ordinal);
    }

    [Fact]
    public void SchedulerAddresses_PointAtTheEmulatorAndPostgresServices()
    {
        var scheduler = Compose.Services["scheduler"].Environment;
        var emulator = Compose.Services["emulator"];
        var postgres = Compose.Services["postgres"];

        var serviceUrl = new Uri(scheduler["Redshift__ServiceUrl"]);
        Assert.Equal("emulator", serviceUrl.Host);
        Assert.Equal(ListeningPort(emulator), serviceUrl.Port);

        // Signatures: the scheduler signs with the key pair the emulator checks.
        Assert.Equal(emulator.Environment["Emulator__AccessKeyId"], scheduler["AWS_ACCESS_KEY_ID"]);
        Assert.Equal(emulator.Environment["Emulator__SecretAccessKey"], scheduler["AWS_SECRET_ACCESS_KEY"]);

        var postgresPort = Assert.Single(postgres.Ports).Container;
        foreach (var (connectionString, database) in new[]
        {
            (scheduler["ConnectionStrings__Scheduler"], "scheduler"),
            (emulator.Environment["ConnectionStrings__Warehouse"], "warehouse"),
        })
        {
            var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
            Assert.Equal("postgres", parts["Host"]);
            Assert.Equal(postgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture), parts["Port"]);
            Assert.Equal(postgres.Environment["POSTGRES_USER"], parts["Username"]);
            Assert.Equal(postgres.Environment["POSTGRES_PASSWORD"], parts["Password"]);
            Assert.Equal(database, parts["Database"]);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void PostgresInitialisation_MountsFilesThatExist_AndCreatesTheDatabasesTheServicesUse()
    {
        var postgres = Compose.Services["postgres"];
        var binds = postgres.Volumes.Where(v => v.StartsWith("./", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(binds);
        foreach (var bind in binds)
        {
            var source = bind.Split(':')[0][2..];
            Assert.True(File.Exists(RepositoryFiles.PathOf(source)) || Directory.Exists(RepositoryFiles.PathOf(source)), $"{bind}: {source} does not exist");
        }

        var init = Assert.Single(binds, b => b.Split(':')[1].StartsWith("/docker-entrypoint-initdb.d/", StringComparison.Ordinal));
        var script = RepositoryFiles.PathOf(init.Split(':')[0][2..]);
        Assert.True((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0, $"{script} must be executable (else the image sources it with sh)");
        Assert.True(File.Exists(RepositoryFiles.PathOf("sql/local/schema.sql")), "sql/local/schema.sql is missing");

        // The databases come from the shared helper both run-local and this container use.
        var helper = File.ReadAllText(RepositoryFiles.PathOf("scripts/lib/local-stack.sh"));
        Assert.Matches(@"for db in scheduler warehouse; do", helper);
    }

    [Fact]
    public void Values_EscapeDollarSigns_SoComposeDoesNotInterpolateThem()
    {
        var lone = LoneDollar().Matches(Compose.Text).Select(m => m.Value).ToList();
        Assert.True(lone.Count == 0, "compose interpolates '$': write '$$' for a literal dollar: " + string.Join(", ", lone));
    }

    private static int ListeningPort(ComposeService service)
    {
        var urls = service.Environment.TryGetValue("ASPNETCORE_URLS", out var fromCompose)
            ? fromCompose
            : Dockerfile.Load(RepositoryFiles.PathOf(service.Dockerfile!)).FinalStage
                .Where(i => i.Keyword == "ENV").Select(i => UrlsPort().Match(i.Arguments)).First(m => m.Success).Value;
        var match = UrlsPort().Match(urls);
        Assert.True(match.Success, $"services.{service.Name}: ASPNETCORE_URLS '{urls}' has no http://+:PORT");
        return int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static (Assembly Assembly, string SourceFolder) ProgramOf(ComposeService service)
    {
        var folder = Path.GetDirectoryName(RepositoryFiles.PathOf(service.Dockerfile!))!;
        var project = Directory.GetFiles(folder, "*.csproj").Single();
        var assemblyName = XDocument.Load(project).Descendants("AssemblyName").FirstOrDefault()?.Value
            ?? Path.GetFileNameWithoutExtension(project);
        return (Assembly.Load(new AssemblyName(assemblyName)), folder);
    }

    [GeneratedRegex(@"(?:ASPNETCORE_URLS[=:]\s*)?http://\+:(?<port>\d+)")]
    private static partial Regex UrlsPort();

    [GeneratedRegex(@"(?<!\$)\$(?![${])")]
    private static partial Regex LoneDollar();
}
