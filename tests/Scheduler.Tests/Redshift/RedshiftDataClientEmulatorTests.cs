using System.Diagnostics.Metrics;
using System.Net;
using Amazon.Runtime;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Redshift;
using Scheduler.Redshift.Model;
using Scheduler.Testing;
using Scheduler.Testing.Postgres;
using Scheduler.Tests.Emulator;

namespace Scheduler.Tests.Redshift;

/// <summary>Our client against the in-process emulator on real PostgreSQL, with SigV4 verification on.</summary>
public sealed class RedshiftDataClientEmulatorTests : IAsyncLifetime
{
    private const string AccessKey = "AKIDCLIENTE2E";
    private const string SecretKey = "client-e2e-secret";
    private string _database = "";
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _database = await server.CreateDatabaseAsync("client_e2e");
        await using (var connection = new NpgsqlConnection(_database))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("create table mart_orders (id int primary key, amount numeric(10,2) not null)", connection);
            await create.ExecuteNonQueryAsync();
        }

        _emulator = await RunningEmulator.StartAsync(_database, new Dictionary<string, string?>
        {
            ["Emulator:AccessKeyId"] = AccessKey,
            ["Emulator:SecretAccessKey"] = SecretKey,
        });
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private RedshiftDataClient CreateSut(string secretKey = SecretKey, int maxAttempts = 3, IMeterFactory? meterFactory = null) =>
        new(
            new HttpClient(),
            Options.Create(new RedshiftClientOptions { ServiceUrl = _emulator.BaseAddress.ToString(), Region = "eu-west-1", MaxAttempts = maxAttempts }),
            new InstantDelayClock(),
            NullLogger<RedshiftDataClient>.Instance,
            new SessionAWSCredentials(AccessKey, secretKey, "e2e-session-token"),
            meterFactory);

    private static BatchExecuteStatementRequest Batch(string token) => new()
    {
        WorkgroupName = "etl",
        Database = "dev",
        StatementName = "e2e-" + token,
        ClientToken = token,
        Sqls =
        [
            "insert into mart_orders values (1, 10.50), (2, 20.25)",
            "insert into mart_orders select id + 10, amount * 2 from mart_orders",
            "select count(*) as n, sum(amount) as total from mart_orders",
        ],
    };

    private static Task<DescribeStatementResponse> WaitForEndAsync(RedshiftDataClient client, string id) =>
        // Long polling: each call returns as soon as the statement ends, so no pause between calls.
        Eventually.ValueAsync(() => client.DescribeStatementAsync(new DescribeStatementRequest { Id = id, WaitTimeSeconds = 5 }),
            described => StatusString.IsTerminal(described.Status), $"statement {id} ends", interval: TimeSpan.Zero,
            describe: described => described.Status);

    private async Task<List<(int Id, decimal Amount)>> RowsAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("select id, amount from mart_orders order by id", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<(int, decimal)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt32(0), reader.GetDecimal(1)));
        }

        return rows;
    }

    [Fact]
    public async Task BatchExecuteStatementAsync_LandsRowsInPostgres_WhenSignedRequestsReachTheEmulator()
    {
        using var sut = CreateSut();

        var submitted = await sut.BatchExecuteStatementAsync(Batch("token-rows"));
        var described = await WaitForEndAsync(sut, submitted.Id);

        Assert.True(described.Status == StatusString.Finished, described.Error);
        Assert.Equal(3, described.SubStatements!.Count);
        Assert.All(described.SubStatements, s => Assert.Equal(StatusString.Finished, s.Status));
        Assert.Equal(2, described.SubStatements[1].ResultRows);
        Assert.True(described.SubStatements[0].Duration > TimeSpan.Zero);
        Assert.True(described.UpdatedAt >= described.CreatedAt);
        Assert.Equal([(1, 10.50m), (2, 20.25m), (11, 21.00m), (12, 40.50m)], await RowsAsync());

        var result = await sut.GetStatementResultAsync(new GetStatementResultRequest { Id = submitted.Id + ":3" });
        Assert.Equal(4, result.Records[0][0].LongValue);
        Assert.Equal("92.25", result.Records[0][1].StringValue);

        var listed = await sut.ListStatementsAsync(new ListStatementsRequest { StatementName = "e2e-token-rows", Status = StatusString.All });
        Assert.Equal(submitted.Id, Assert.Single(listed.Statements).Id);
    }

    [Fact]
    public async Task BatchExecuteStatementAsync_StoresParameterValuesIntact_WhenAValueTriesToBreakOutOfItsQuotes()
    {
        using var sut = CreateSut();
        const string Hostile = "x'); DROP TABLE mart_orders; --";

        var submitted = await sut.BatchExecuteStatementAsync(new BatchExecuteStatementRequest
        {
            WorkgroupName = "etl",
            Database = "dev",
            Sqls =
            [
                "create table mart_notes (run_date date, note text)",
                "insert into mart_notes values (:run_date::date, :note)",
                "insert into mart_notes select :run_date::date + 1, :note || '!'",
            ],
            Parameters = [new SqlParameter { Name = "run_date", Value = "2026-12-01" }, new SqlParameter { Name = "note", Value = Hostile }],
        });
        var described = await WaitForEndAsync(sut, submitted.Id);

        Assert.True(described.Status == StatusString.Finished, described.Error);
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("select run_date::text, note from mart_notes order by run_date", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        Assert.Equal([("2026-12-01", Hostile), ("2026-12-02", Hostile + "!")], rows);
        Assert.Empty(await RowsAsync());
    }

    [Fact]
    public async Task BatchExecuteStatementAsync_RunsOnce_WhenTheSameClientTokenIsSentAgain()
    {
        using var sut = CreateSut();

        var first = await sut.BatchExecuteStatementAsync(Batch("token-twice"));
        await WaitForEndAsync(sut, first.Id);
        var second = await sut.BatchExecuteStatementAsync(Batch("token-twice"));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(4, (await RowsAsync()).Count);
        var logged = Assert.Single(await _emulator.GetStatementsAsync());
        Assert.Equal(1, logged.Executions);
        Assert.Equal("token-twice", logged.ClientToken);
    }

    [Fact]
    public async Task ExecuteStatementAsync_RunsEachStatementExactlyOnce_WhenTheEmulatorThrottlesAndFails()
    {
        using var meterFactory = new CountingMeterFactory();
        await _emulator.SetFaultsAsync(throttleRate: 0.3, errorRate: 0.3, latencyMs: 0);
        // 20 attempts: a call fails all of them with probability 0.51^20 ≈ 1e-6.
        using var sut = CreateSut(maxAttempts: 20, meterFactory: meterFactory);

        for (var i = 1; i <= 10; i++)
        {
            var submitted = await sut.ExecuteStatementAsync(new ExecuteStatementRequest
            {
                WorkgroupName = "etl",
                Database = "dev",
                Sql = $"insert into mart_orders values ({i}, {i}.00)",
            });
            Assert.Equal(StatusString.Finished, (await WaitForEndAsync(sut, submitted.Id)).Status);
        }

        await _emulator.ClearFaultsAsync();

        Assert.Equal(Enumerable.Range(1, 10), (await RowsAsync()).Select(r => r.Id));
        var logged = await _emulator.GetStatementsAsync();
        Assert.Equal(10, logged.Count);
        Assert.All(logged, s => Assert.Equal(1, s.Executions));
        // At least 20 calls each met a fault with probability 0.51: some must have been retried.
        Assert.True(meterFactory.Sum("scheduler.redshift.retries") > 0);
        Assert.True(meterFactory.Sum("scheduler.redshift.throttles") > 0);
    }

    [Fact]
    public async Task DescribeStatementAsync_ThrowsInvalidSignature_WhenSecretIsWrong()
    {
        using var sut = CreateSut(secretKey: "not-the-secret");

        var ex = await Assert.ThrowsAsync<RedshiftDataException>(() => sut.DescribeStatementAsync(new DescribeStatementRequest { Id = Guid.NewGuid().ToString() }));

        Assert.Equal("InvalidSignatureException", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, ex.StatusCode);
        Assert.False(string.IsNullOrEmpty(ex.RequestId));
    }

    [Fact]
    public async Task DescribeStatementAsync_ThrowsResourceNotFound_WhenIdIsUnknown()
    {
        using var sut = CreateSut();

        var ex = await Assert.ThrowsAsync<RedshiftDataException>(() => sut.DescribeStatementAsync(new DescribeStatementRequest { Id = Guid.NewGuid().ToString() }));

        Assert.Equal("ResourceNotFoundException", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
    }

    /// <summary>Sums the long counters of the meters it created.</summary>
    private sealed class CountingMeterFactory : IMeterFactory
    {
        private readonly List<Meter> _meters = [];
        private readonly Dictionary<string, long> _sums = [];
        private readonly MeterListener _listener = new();

        public CountingMeterFactory()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                lock (_meters)
                {
                    if (_meters.Contains(instrument.Meter))
                    {
                        listener.EnableMeasurementEvents(instrument);
                    }
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
            {
                lock (_sums)
                {
                    _sums[instrument.Name] = _sums.GetValueOrDefault(instrument.Name) + value;
                }
            });
            _listener.Start();
        }

        public long Sum(string instrument)
        {
            lock (_sums)
            {
                return _sums.GetValueOrDefault(instrument);
            }
        }

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            lock (_meters)
            {
                _meters.Add(meter);
            }

            return meter;
        }

        public void Dispose()
        {
            _listener.Dispose();
            foreach (var meter in _meters)
            {
                meter.Dispose();
            }
        }
    }

    /// <summary>The real clock (signatures must be within the emulator's skew window), but backoff delays fire at once.</summary>
    private sealed class InstantDelayClock : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                ThreadPool.QueueUserWorkItem(_ => callback(state));
            }

            return System.CreateTimer(_ => { }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }
}
