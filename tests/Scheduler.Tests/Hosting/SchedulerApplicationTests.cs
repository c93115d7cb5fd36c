using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Scheduler.Configuration;
using Scheduler.Hosting;
using Scheduler.Marts;
using Scheduler.Marts.Live;
using Scheduler.Testing;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Hosting;

public sealed class SchedulerApplicationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scheduler-host-").FullName;

    public SchedulerApplicationTests()
    {
        Directory.CreateDirectory(Path.Combine(_directory, "sql", "marts"));
        File.WriteAllText(Path.Combine(_directory, "sql", "marts", "good.sql"), "SELECT 1;");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string[] Args(string connectionString, params string[] more) =>
    [
        "--urls", "http://127.0.0.1:0", "--contentRoot", _directory,
        $"--ConnectionStrings:Scheduler={connectionString}",
        "--Redshift:ServiceUrl=http://127.0.0.1:4566", "--Redshift:WorkgroupName=wg", "--Redshift:Database=dev",
        "--Marts:sample:SqlFile=good.sql", "--Marts:sample:Cron=*/5 * * * *",
        .. more,
    ];

    [Fact]
    public async Task Build_StartsHangfireAndServesDashboardAndHealth_WhenDatabaseIsFresh()
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync("host_fresh");
        await using var app = SchedulerApplication.Build(Args(connectionString));

        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var http = new HttpClient { BaseAddress = new Uri(address) };

            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
            var dashboard = await http.GetAsync("/hangfire");
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
            Assert.Contains("Hangfire Dashboard", await dashboard.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // The schema was created on first start and this process registered as a Hangfire server.
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var servers = await Eventually.ValueAsync(async () =>
            {
                await using var command = new NpgsqlCommand("SELECT count(*) FROM hangfire.server", connection);
                return (long)(await command.ExecuteScalarAsync())!;
            }, count => count > 0, "this process registers as a Hangfire server");

            Assert.Equal(1, servers);
            var catalog = app.Services.GetRequiredService<IMartCatalog>();
            Assert.Equal("sample", Assert.Single(catalog.Marts).Name);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadinessCheck_ReportsUnhealthy_WhenDatabaseIsUnreachableOrSchemaIsMissing(bool reachable)
    {
        var connectionString = reachable
            ? await (await PostgresServer.GetAsync()).CreateDatabaseAsync("host_noschema")
            : "Host=127.0.0.1;Port=1;Username=postgres;Database=none;Timeout=2";
        await using var check = new ReadinessHealthCheck(connectionString, TimeProvider.System);

        var result = await check.CheckHealthAsync(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext());

        Assert.Equal(Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, result.Status);
        Assert.Contains(reachable ? "schema" : "not reachable", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ThrowsListingEveryProblem_WhenConfigurationIsBadAndStartupIsStrict()
    {
        var args = Args(
            "Host=127.0.0.1;Database=unused",
            "--Marts:StrictStartup=true",
            "--Marts:sample:Cron=every day", "--Marts:sample:TimeZone=Moon/Base", "--Marts:other:SqlFile=../escape.sql");

        var exception = Assert.Throws<SchedulerConfigurationException>(() => SchedulerApplication.Build(args));

        Assert.Equal(3, exception.Problems.Count);
        Assert.Contains("Marts:sample:Cron = 'every day'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Marts:sample:TimeZone = 'Moon/Base'", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Marts:other:SqlFile = '../escape.sql'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ThrowsOnlyForWholeConfigurationProblems_WhenStartupIsNotStrict()
    {
        var exception = Assert.Throws<SchedulerConfigurationException>(() => SchedulerApplication.Build(
            Args("Host=127.0.0.1;Database=unused", "--Sql:Root=no/such/folder", "--Marts:sample:Cron=every day")));

        Assert.Equal("Sql:Root", Assert.Single(exception.Problems).Key);
    }

    [Fact]
    public async Task Build_StartsTheScheduleSyncBeforeHangfiresServer_SoNoRemovedScheduleFiresAtStartUp()
    {
        // Hosted services start in the order they were registered: the sync must come before the server.
        IServiceCollection? services = null;
        await using var app = SchedulerApplication.Build(Args("Host=127.0.0.1;Database=unused"), builder => services = builder.Services);

        var hosted = services!.Where(d => d.ServiceType == typeof(IHostedService)).ToList();
        var sync = hosted.FindIndex(d => d.ImplementationFactory?.Method.ReturnType == typeof(Scheduler.Scheduling.MartScheduleSync));
        var server = hosted.FindIndex(d => (d.ImplementationType ?? d.ImplementationFactory?.Method.ReturnType)?.Name == "BackgroundJobServerHostedService");
        Assert.True(sync >= 0, "MartScheduleSync is not a hosted service");
        Assert.True(server >= 0, "Hangfire's server is not a hosted service: " + string.Join(", ", hosted.Select(d => (d.ImplementationType ?? d.ImplementationFactory?.Method.ReturnType)?.Name)));
        Assert.True(sync < server, $"MartScheduleSync starts at {sync}, after Hangfire's server at {server}");
    }

    [Fact]
    public async Task Build_StartsTheValidMartsAndListsTheBrokenOne_WhenStartupIsNotStrict()
    {
        await using var app = SchedulerApplication.Build(Args("Host=127.0.0.1;Database=unused", "--Marts:broken:SqlFile=good.sql", "--Marts:broken:Cron=every day"));

        var catalog = app.Services.GetRequiredService<Scheduler.Marts.Live.LiveMartCatalog>();
        Assert.Equal("sample", Assert.Single(catalog.Marts).Name);
        Assert.Equal(Scheduler.Marts.Live.MartStatus.Invalid, catalog.FindState("broken")!.Status);
    }

    [Fact]
    public void Build_AppliesCallbackConfiguration_WhenGiven()
    {
        var exception = Assert.Throws<SchedulerConfigurationException>(() => SchedulerApplication.Build(
            Args("Host=127.0.0.1;Database=unused", "--Marts:StrictStartup=true"),
            builder => builder.Configuration["Marts:sample:Timeout"] = "2.00:00:00"));

        Assert.Contains("Marts:sample:Timeout = '2.00:00:00'", Assert.Single(exception.Problems).ToString(), StringComparison.Ordinal);
    }
}
