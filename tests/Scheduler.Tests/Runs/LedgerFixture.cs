using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Scheduler.Database;
using Scheduler.Marts;
using Scheduler.Redshift;
using Scheduler.Runs;
using Scheduler.Runs.Lifecycle;
using Scheduler.Runs.Store;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Runs;

/// <summary>
/// A migrated database of its own with the ledger and the lifecycle on a fake clock; the jobs the lifecycle schedules
/// are recorded (no Hangfire server runs them).
/// </summary>
internal sealed class LedgerFixture : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private LedgerFixture(string connectionString, SchedulerDatabase database)
    {
        ConnectionString = connectionString;
        Database = database;
        Ledger = new RunQueries(database);
        Store = new RunStore(database);
        Policy = new RunPolicy(Options.Create(new RunsOptions()),
            new MartCatalog([]));
        Lifecycle = NewLifecycle();
    }

    public string ConnectionString { get; }

    public SchedulerDatabase Database { get; }

    /// <summary>The read model of pages and the API.</summary>
    public IRunQueries Ledger { get; }

    /// <summary>The write store (what the lifecycle and retention are handed).</summary>
    public RunStore Store { get; }

    public RunPolicy Policy { get; }

    public RunLifecycle Lifecycle { get; }

    public FakeTimeProvider Time { get; } = new(T0);

    public RecordingJobClient Jobs { get; } = new();

    public static async Task<LedgerFixture> CreateAsync(string name)
    {
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync(name);
        var database = new SchedulerDatabase(Options.Create(new SchedulerDatabaseOptions { ConnectionString = connectionString }));
        await database.MigrateAsync(CancellationToken.None);
        return new LedgerFixture(connectionString, database);
    }

    /// <summary>Another lifecycle on the same ledger (a second instance, for races).</summary>
    public RunLifecycle NewLifecycle() =>
        new(Store, Policy, Jobs, [], Time, NullLogger<RunLifecycle>.Instance);

    public static MartDefinition Mart(string name, TimeSpan? timeout = null) => new(
        name, name + ".sql", "/nowhere/" + name + ".sql", null, TimeZoneInfo.Utc, timeout ?? TimeSpan.FromHours(1),
        TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), true, new RedshiftTarget("wg", null, "dev", null, null));

    public async Task<RunRecord> ReserveAsync(string mart, string? triggerKey = null) =>
        (await Lifecycle.ReserveAsync(Mart(mart), RunTrigger.Manual, triggerKey, CancellationToken.None)).Run;

    /// <summary>A run taken to Running with statement <paramref name="statementId"/>.</summary>
    public async Task<RunRecord> RunningAsync(string mart, string statementId = "stmt-1")
    {
        var run = await ReserveAsync(mart);
        await Lifecycle.ApplyAsync(run.RunId, new RunEvent.SubmitAttempted(["select 1"]), CancellationToken.None);
        return (await Lifecycle.ApplyAsync(run.RunId, new RunEvent.Submitted(statementId), CancellationToken.None)).Run!;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var command = Database.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await Database.DisposeAsync();
        using var connection = new NpgsqlConnection(ConnectionString);
        NpgsqlConnection.ClearPool(connection);
    }

    /// <summary>Records the jobs it is asked to create.</summary>
    internal sealed class RecordingJobClient : IBackgroundJobClient
    {
        private readonly List<(Job Job, IState State)> _created = [];
        private readonly Lock _gate = new();

        public IReadOnlyList<(Job Job, IState State)> Created
        {
            get
            {
                lock (_gate)
                {
                    return [.. _created];
                }
            }
        }

        public string Create(Job job, IState state)
        {
            lock (_gate)
            {
                _created.Add((job, state));
                return _created.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }
}
