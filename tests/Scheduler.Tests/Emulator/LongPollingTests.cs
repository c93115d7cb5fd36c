using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

/// <summary>
/// Long polling on the emulator's clock, which these tests hold still: a wait can then end only when the tests move
/// the clock, and a simulated statement (<c>sleep=</c>) only ends when the clock passes its end. Nothing is timed.
/// </summary>
public sealed class LongPollingTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private string _database = "";
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _database = await server.CreateDatabaseAsync(nameof(LongPollingTests));
        // Thousands of statements at once on one workgroup: more than Redshift's cap, which is not under test here.
        _emulator = await RunningEmulator.StartAsync(_database, new Dictionary<string, string?> { ["Emulator:MaxActiveStatements"] = "0" }, _clock);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task DescribeStatement_ReturnsSoonAfterTheEnd_WhenWaiting()
    {
        // Real SQL ends on PostgreSQL's time; the 20 s wait cannot elapse on the still clock, so only the end can answer.
        var id = await _emulator.SubmitBatchAsync("select pg_sleep(1)");

        var described = await _emulator.OkAsync("DescribeStatement", new { Id = id, WaitTimeSeconds = 20 }).WaitAsync(Eventually.DefaultTimeout);

        Assert.Equal("FINISHED", described.GetProperty("Status").GetString());
    }

    [Fact]
    public async Task DescribeStatement_ReturnsTheCurrentStatus_WhenWaitElapses()
    {
        var id = await _emulator.SubmitBatchAsync("/* emulator: sleep=30 */ select 1");
        var call = _emulator.OkAsync("DescribeStatement", new { Id = id, WaitTimeSeconds = 1 });

        // Move the clock a second at a time until the call answers (the request may reach its wait only after a first
        // move on a busy machine); the statement's 30 s are far off.
        var advanced = TimeSpan.Zero;
        await Eventually.HoldsAsync(() =>
        {
            if (!call.IsCompleted)
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
                advanced += TimeSpan.FromSeconds(1);
            }

            return call.IsCompleted;
        }, "the long poll answers after its 1 s wait on the emulator's clock", interval: TimeSpan.FromMilliseconds(250));
        var described = await call;

        Assert.Equal("STARTED", described.GetProperty("Status").GetString());
        Assert.InRange(advanced, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(29));
    }

    [Fact]
    public async Task SimulatedStatements_HoldNoConnection_WhenThousandsWaitAtOnce()
    {
        const int Count = 1000;
        var ids = new string[Count];
        await Parallel.ForAsync(0, Count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            ids[i] = await _emulator.SubmitBatchAsync("/* emulator: sleep=6 */ select 1"));

        var polls = ids.Select(id => _emulator.OkAsync("DescribeStatement", new { Id = id, WaitTimeSeconds = 30 })).ToArray();
        // On the still clock no statement can end and no wait can elapse: once every poll has arrived, all of them and
        // all statements are in flight for as long as the test looks.
        await Eventually.HoldsAsync(async () => (await _emulator.GetLimitsAsync()).Operations.SingleOrDefault(o => o.Operation == "DescribeStatement")?.Calls >= Count,
            $"all {Count} long polls reached the emulator");
        await Eventually.HoldsAsync(async () => (await _emulator.GetStatementsAsync()).All(s => s.Status == "STARTED"), $"all {Count} statements started");
        long connections = 0, open = 0;
        await Eventually.HoldsAsync(async () =>
            {
                connections = await CountConnectionsAsync(busyOnly: true);
                open = await CountConnectionsAsync(busyOnly: false);
                return open < Count / 4 && connections < 20;
            }, $"the emulator holds few connections while {Count} statements and long polls are in flight",
            lastSeen: () => $"{open} open, {connections} busy");
        Assert.DoesNotContain(polls, p => p.IsCompleted);

        // Past the statements' 6 s, but never to the polls' 30 s: each must answer because its statement ended.
        var advanced = TimeSpan.Zero;
        await Eventually.HoldsAsync(() =>
        {
            if (advanced < TimeSpan.FromSeconds(20))
            {
                _clock.Advance(TimeSpan.FromSeconds(1));
                advanced += TimeSpan.FromSeconds(1);
            }

            return polls.All(p => p.IsCompleted);
        }, "every long poll answers once the statements' 6 s have passed", interval: TimeSpan.FromMilliseconds(250));
        var described = await Task.WhenAll(polls);

        Assert.All(described, d => Assert.Equal("FINISHED", d.GetProperty("Status").GetString()));
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
