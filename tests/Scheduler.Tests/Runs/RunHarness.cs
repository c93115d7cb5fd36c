using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using RedshiftDataEmulator.Admin;
using Scheduler.Hosting;
using Scheduler.Runs;
using Scheduler.Runs.Store;
using Scheduler.Runs.Triggers;
using Scheduler.Testing;
using Scheduler.Testing.Hosting;
using Scheduler.Testing.Postgres;
using Scheduler.Tests.Emulator;

namespace Scheduler.Tests.Runs;

/// <summary>
/// A whole local stack for run tests: a scheduler database (Hangfire + ledger), a warehouse database with the sample
/// schema and data (sql/local), the emulator over it, and marts written to a temporary SQL root. The scheduler is the
/// real application (<see cref="SchedulerApplication"/>) in this process, or child processes.
/// </summary>
internal sealed class RunHarness : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];

    private RunHarness(string schedulerDb, string warehouseDb, RunningEmulator emulator, string sqlRoot, Dictionary<string, string?> settings)
    {
        SchedulerConnectionString = schedulerDb;
        WarehouseConnectionString = warehouseDb;
        Emulator = emulator;
        SqlRoot = sqlRoot;
        Settings = settings;
    }

    public string SchedulerConnectionString { get; }

    public string WarehouseConnectionString { get; }

    public RunningEmulator Emulator { get; }

    public string SqlRoot { get; }

    /// <summary>The scheduler's configuration (also given to child processes as --Key=value).</summary>
    public Dictionary<string, string?> Settings { get; }

    /// <summary>The in-process scheduler (started) or a client-only one (not started) for child-process tests.</summary>
    public WebApplication App { get; private set; } = null!;

    public IRunQueries Ledger => App.Services.GetRequiredService<IRunQueries>();

    public IRunTrigger Trigger => App.Services.GetRequiredService<IRunTrigger>();

    public JobStorage Storage => App.Services.GetRequiredService<JobStorage>();

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Starts the stack. <paramref name="marts"/> maps mart name to SQL; settings add or override keys.</summary>
    public static async Task<RunHarness> StartAsync(
        string name,
        IReadOnlyDictionary<string, string> marts,
        IReadOnlyDictionary<string, string?>? settings = null,
        IReadOnlyDictionary<string, string?>? emulatorSettings = null,
        bool startScheduler = true)
    {
        var server = await PostgresServer.GetAsync();
        var schedulerDb = await server.CreateDatabaseAsync(name + "_s");
        var warehouseDb = await server.CreateDatabaseAsync(name + "_w");
        await using (var warehouse = NpgsqlDataSource.Create(warehouseDb))
        {
            foreach (var file in new[] { "schema.sql", "seed.sql" })
            {
                await using var command = warehouse.CreateCommand(await File.ReadAllTextAsync(Path.Combine(RepositoryRoot, "sql", "local", file)));
                await command.ExecuteNonQueryAsync();
            }

            await using var marks = warehouse.CreateCommand("CREATE TABLE public.run_marks (id bigserial PRIMARY KEY, note text NOT NULL)");
            await marks.ExecuteNonQueryAsync();
        }

        var emulator = await RunningEmulator.StartAsync(warehouseDb, emulatorSettings);
        var sqlRoot = Directory.CreateTempSubdirectory("scheduler-runs-").FullName;
        var all = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = schedulerDb,
            ["Redshift:ServiceUrl"] = emulator.BaseAddress.ToString().TrimEnd('/'),
            ["Redshift:WorkgroupName"] = "wg",
            ["Redshift:Database"] = "dev",
            ["Sql:Root"] = sqlRoot,
            ["Runs:RecoveryInterval"] = "00:00:02",
            ["Runs:RecoveryGrace"] = "00:00:15",
        };
        foreach (var (mart, sql) in marts)
        {
            await File.WriteAllTextAsync(Path.Combine(sqlRoot, mart + ".sql"), sql);
            all[$"Marts:{mart}:SqlFile"] = mart + ".sql";
            all[$"Marts:{mart}:Poll:InitialInterval"] = "00:00:01";
            all[$"Marts:{mart}:Poll:MaxInterval"] = "00:00:02";
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var harness = new RunHarness(schedulerDb, warehouseDb, emulator, sqlRoot, all);
        harness.App = harness.BuildApp(all);
        if (startScheduler)
        {
            await harness.App.StartAsync();
        }

        return harness;
    }

    /// <summary>The customer summary mart's SQL, as in the repository.</summary>
    public static string SampleMartSql() => File.ReadAllText(Path.Combine(RepositoryRoot, "sql", "marts", "customer_summary.sql"));

    /// <summary>Builds (does not start) another scheduler on the same databases and emulator.</summary>
    public WebApplication BuildApp(IReadOnlyDictionary<string, string?> settings)
    {
        // The SQL root as content root: the service's own appsettings.json (the sample mart) stays out of the tests.
        var app = SchedulerTestHost.At(SqlRoot)
            .WithSettings(settings)
            .WithAwsCredentials(RunningEmulator.AccessKeyId, RunningEmulator.SecretAccessKey)
            .WithQuietLogs()
            .Build();
        _apps.Add(app);
        return app;
    }

    /// <summary>Triggers a manual run and returns it (fails the test unless it started).</summary>
    public async Task<RunRecord> StartRunAsync(string mart)
    {
        var result = await Trigger.TriggerAsync(mart, RunTrigger.Manual, CancellationToken.None);
        Assert.Equal(TriggerOutcome.Started, result.Outcome);
        return result.Run!;
    }

    /// <summary>Polls the ledger until the run satisfies <paramref name="condition"/>.</summary>
    public async Task<RunRecord> WaitForRunAsync(Guid runId, Func<RunRecord, bool> condition, TimeSpan? timeout = null, string? what = null) =>
        (await Eventually.ValueAsync(() => Ledger.GetAsync(runId, CancellationToken.None), run => run is not null && condition(run),
            $"run {runId} is {what ?? "as expected"}", timeout, describe: run => $"{run?.Status} {run?.Error}"))!;

    public Task<RunRecord> WaitForTerminalAsync(Guid runId, TimeSpan? timeout = null) =>
        WaitForRunAsync(runId, r => r.Status.IsTerminal(), timeout, "terminal");

    /// <summary>The emulator's submissions for this run (matched by StatementName).</summary>
    public async Task<IReadOnlyList<SubmittedStatement>> SubmissionsAsync(RunRecord run) =>
        (await Emulator.GetStatementsAsync()).Where(s => s.StatementName == run.StatementName).ToList();

    public async Task<long> ScalarAsync(string sql)
    {
        await using var warehouse = NpgsqlDataSource.Create(WarehouseConnectionString);
        await using var command = warehouse.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            try
            {
                await app.StopAsync();
            }
            catch (InvalidOperationException)
            {
                // never started
            }

            await app.DisposeAsync();
        }

        await Emulator.DisposeAsync();
        // Idle pooled connections of a finished test would otherwise hold server slots for minutes.
        foreach (var connectionString in new[] { SchedulerConnectionString, WarehouseConnectionString })
        {
            using var connection = new NpgsqlConnection(connectionString);
            NpgsqlConnection.ClearPool(connection);
        }

        Directory.Delete(SqlRoot, recursive: true);
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Scheduler.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Scheduler.sln not found above " + AppContext.BaseDirectory);
    }
}
