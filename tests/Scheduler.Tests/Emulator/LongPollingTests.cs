using System.Diagnostics;
using Npgsql;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

public sealed class LongPollingTests : IAsyncLifetime
{
    private string _database = "";
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _database = await server.CreateDatabaseAsync(nameof(LongPollingTests));
        // Thousands of statements at once on one workgroup: more than Redshift's cap, which is not under test here.
        _emulator = await RunningEmulator.StartAsync(_database, new Dictionary<string, string?> { ["Emulator:MaxActiveStatements"] = "0" });
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task DescribeStatement_ReturnsSoonAfterTheEnd_WhenWaiting()
    {
        var id = await _emulator.SubmitBatchAsync("/* emulator: sleep=0.5 */ select 1");
        var clock = Stopwatch.StartNew();

        var described = await _emulator.OkAsync("DescribeStatement", new { Id = id, WaitTimeSeconds = 20 });

        Assert.Equal("FINISHED", described.GetProperty("Status").GetString());
        Assert.InRange(clock.ElapsedMilliseconds, 0, 5000);
    }

    [Fact]
    public async Task DescribeStatement_ReturnsTheCurrentStatus_WhenWaitElapses()
    {
        var id = await _emulator.SubmitBatchAsync("/* emulator: sleep=30 */ select 1");
        var clock = Stopwatch.StartNew();

        var described = await _emulator.OkAsync("DescribeStatement", new { Id = id, WaitTimeSeconds = 1 });

        Assert.NotEqual("FINISHED", described.GetProperty("Status").GetString());
        Assert.InRange(clock.ElapsedMilliseconds, 900, 10_000);
    }

    [Fact]
    public async Task SimulatedStatements_HoldNoConnection_WhenThousandsWaitAtOnce()
    {
        const int Count = 1000;
        var ids = new string[Count];
        await Parallel.ForAsync(0, Count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            ids[i] = await _emulator.SubmitBatchAsync("/* emulator: sleep=6 */ select 1"));

        var polls = ids.Select(id => _emulator.OkAsync("DescribeStatement", new { Id = id, WaitTimeSeconds = 30 })).ToArray();
        await Task.Delay(500);
        var connections = await CountConnectionsAsync(busyOnly: true);
        var open = await CountConnectionsAsync(busyOnly: false);
        var described = await Task.WhenAll(polls);

        Assert.All(described, d => Assert.Equal("FINISHED", d.GetProperty("Status").GetString()));
        Assert.True(open < Count / 4, $"{open} emulator connections open while {Count} statements and long polls were in flight");
        Assert.True(connections < 20, $"{connections} emulator connections busy while {Count} statements and long polls were in flight");
        Assert.All(await _emulator.GetStatementsAsync(), s => Assert.Equal(1, s.Executions));
    }

    private async Task<long> CountConnectionsAsync(bool busyOnly)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND application_name LIKE 'redshift-emulator%' AND (NOT @busyOnly OR state <> 'idle')
            """, connection);
        command.Parameters.AddWithValue("busyOnly", busyOnly);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
