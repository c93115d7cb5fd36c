using System.Collections.Concurrent;
using Amazon.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Scheduler.Database;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;
using Scheduler.Runs.Watching;
using Scheduler.Testing.Postgres;
using Scheduler.Tests.Emulator;

namespace Scheduler.Tests.Runs.Watching;

/// <summary>
/// A <see cref="RunWatcher"/> wired as in the service (real Data API client over HTTP to the in-process emulator, the
/// PostgreSQL budget), with an in-memory list of active statements standing in for the ledger and a recorder that notes
/// what the watcher reported.
/// </summary>
internal sealed class WatcherHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private WatcherHarness(RunningEmulator emulator, ServiceProvider services, ActiveStatementList active, RecordingRecorder recorder)
    {
        Emulator = emulator;
        Active = active;
        Recorder = recorder;
        _services = services;
        Watcher = services.GetRequiredService<RunWatcher>();
        Client = services.GetRequiredService<IRedshiftDataClient>();
    }

    public RunningEmulator Emulator { get; }

    public RunWatcher Watcher { get; }

    /// <summary>The service's client (every DescribeStatement through it takes a budget token).</summary>
    public IRedshiftDataClient Client { get; }

    public ActiveStatementList Active { get; }

    public RecordingRecorder Recorder { get; }

    public CountingClient Calls => _services.GetRequiredService<CountingClient>();

    public IServiceProvider Services => _services;

    public static async Task<WatcherHarness> StartAsync(string name, IReadOnlyDictionary<string, string?> watching)
    {
        var server = await PostgresServer.GetAsync();
        var emulator = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync(name + "_wh"));
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = await server.CreateDatabaseAsync(name),
            ["Redshift:ServiceUrl"] = emulator.BaseAddress.ToString().TrimEnd('/'),
            ["Redshift:Region"] = "us-east-1",
            ["Redshift:WorkgroupName"] = "wg",
            ["Redshift:Database"] = "dev",
            ["Watching:RefreshInterval"] = "00:00:00.200",
        };
        foreach (var (key, value) in watching)
        {
            settings[$"Watching:{key}"] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<AWSCredentials>(new BasicAWSCredentials("AKIDTEST", "test-secret"));
        services.AddSchedulerDatabase(configuration);
        services.AddRedshiftDataClient(configuration);
        // Count what reaches the wire: wrap the real client before the budget wraps it in turn.
        var real = services.Last(d => d.ServiceType == typeof(IRedshiftDataClient));
        services.Remove(real);
        services.AddSingleton(sp => new CountingClient((IRedshiftDataClient)real.ImplementationFactory!(sp)));
        services.AddSingleton<IRedshiftDataClient>(sp => sp.GetRequiredService<CountingClient>());
        var active = new ActiveStatementList();
        var recorder = new RecordingRecorder();
        services.AddSingleton<IActiveStatementSource>(active);
        services.AddSingleton<IStatementOutcomeRecorder>(recorder);
        services.AddRunWatching(configuration);
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        await provider.GetRequiredService<SchedulerDatabase>().MigrateAsync(CancellationToken.None);
        return new WatcherHarness(emulator, provider, active, recorder);
    }

    /// <summary>Submits a simulated statement and adds it to the active list.</summary>
    public async Task<ActiveStatement> SubmitAsync(double seconds, TimeSpan? expected = null)
    {
        var runId = Guid.NewGuid().ToString("D");
        var response = await Client.BatchExecuteStatementAsync(new BatchExecuteStatementRequest
        {
            Sqls = [FormattableString.Invariant($"/* emulator: sleep={seconds} */ select 1")],
            WorkgroupName = "wg",
            Database = "dev",
            ClientToken = runId,
        });
        var statement = new ActiveStatement(runId, response.Id, response.CreatedAt ?? TimeProvider.System.GetUtcNow(), expected);
        Active.Add(statement);
        return statement;
    }

    public Task StartWatcherAsync() => Watcher.StartAsync(CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Watcher.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

/// <summary>The active runs, as a test sets them.</summary>
internal sealed class ActiveStatementList : IActiveStatementSource
{
    private readonly ConcurrentDictionary<string, ActiveStatement> _items = new();

    public void Add(ActiveStatement statement) => _items[statement.StatementId] = statement;

    public void Remove(ActiveStatement statement) => _items.TryRemove(statement.StatementId, out _);

    public Task<IReadOnlyCollection<ActiveStatement>> GetActiveStatementsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyCollection<ActiveStatement>>(_items.Values.ToList());
}

/// <summary>Notes each terminal status the watcher records (and removes the run from the active list, as the ledger would).</summary>
internal sealed class RecordingRecorder : IStatementOutcomeRecorder
{
    private readonly ConcurrentDictionary<string, (DescribeStatementResponse Response, DateTimeOffset At, int Times)> _recorded = new();

    /// <summary>How many of the next calls throw (a ledger outage).</summary>
    public int FailNext { get; set; }

    public ActiveStatementList? RemoveFrom { get; set; }

    public IReadOnlyDictionary<string, (DescribeStatementResponse Response, DateTimeOffset At, int Times)> Recorded => _recorded;

    public Task RecordTerminalAsync(ActiveStatement statement, DescribeStatementResponse response, CancellationToken cancellationToken)
    {
        if (FailNext > 0)
        {
            FailNext--;
            throw new InvalidOperationException("The ledger is unavailable (test).");
        }

        var now = TimeProvider.System.GetUtcNow();
        _recorded.AddOrUpdate(statement.StatementId, _ => (response, now, 1), (_, old) => (old.Response, old.At, old.Times + 1));
        RemoveFrom?.Remove(statement);
        return Task.CompletedTask;
    }
}

/// <summary>Counts DescribeStatement calls as they leave for the emulator, and the order statements were first asked about.</summary>
internal sealed class CountingClient(IRedshiftDataClient inner) : IRedshiftDataClient
{
    private readonly ConcurrentQueue<string> _firstAsked = new();
    private readonly ConcurrentDictionary<string, bool> _asked = new();
    private int _total;

    public int Total => Volatile.Read(ref _total);

    /// <summary>Statement ids in the order of their first DescribeStatement.</summary>
    public IReadOnlyList<string> FirstAsked => [.. _firstAsked];

    public Task<DescribeStatementResponse> DescribeStatementAsync(DescribeStatementRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _total);
        if (_asked.TryAdd(request.Id, true))
        {
            _firstAsked.Enqueue(request.Id);
        }

        return inner.DescribeStatementAsync(request, cancellationToken);
    }

    public Task<BatchExecuteStatementResponse> BatchExecuteStatementAsync(BatchExecuteStatementRequest request, CancellationToken cancellationToken = default) =>
        inner.BatchExecuteStatementAsync(request, cancellationToken);

    public Task<ExecuteStatementResponse> ExecuteStatementAsync(ExecuteStatementRequest request, CancellationToken cancellationToken = default) =>
        inner.ExecuteStatementAsync(request, cancellationToken);

    public Task<CancelStatementResponse> CancelStatementAsync(CancelStatementRequest request, CancellationToken cancellationToken = default) =>
        inner.CancelStatementAsync(request, cancellationToken);

    public Task<ListStatementsResponse> ListStatementsAsync(ListStatementsRequest request, CancellationToken cancellationToken = default) =>
        inner.ListStatementsAsync(request, cancellationToken);

    public Task<GetStatementResultResponse> GetStatementResultAsync(GetStatementResultRequest request, CancellationToken cancellationToken = default) =>
        inner.GetStatementResultAsync(request, cancellationToken);
}
