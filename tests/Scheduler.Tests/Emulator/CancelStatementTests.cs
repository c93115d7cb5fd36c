using System.Net;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

public sealed class CancelStatementTests : IAsyncLifetime
{
    private string _database = "";
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _database = await server.CreateDatabaseAsync(nameof(CancelStatementTests));
        _emulator = await RunningEmulator.StartAsync(_database);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task CancelStatement_StopsTheRunningSql_WhenStatementIsStarted()
    {
        var id = await _emulator.SubmitBatchAsync("create table c1 (a int)", "insert into c1 values (1)", "select pg_sleep(60)");
        await WaitForSubStatusAsync(id, 3, "STARTED");

        var cancelled = await _emulator.OkAsync("CancelStatement", new { Id = id });
        var described = await _emulator.WaitForEndAsync(id, deadlineSeconds: 10);

        Assert.True(cancelled.GetProperty("Status").GetBoolean());
        Assert.Equal("ABORTED", described.GetProperty("Status").GetString());
        Assert.Equal("ABORTED", described.GetProperty("SubStatements")[2].GetProperty("Status").GetString());
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND datname = current_database() AND query LIKE 'select pg_sleep(60)%'"));
        Assert.Equal(0L, await CountAsync("SELECT count(*) FROM pg_class WHERE relname = 'c1'"));
    }

    [Fact]
    public async Task CancelStatement_AbortsASimulatedStatement_WhenItIsSleeping()
    {
        var id = await _emulator.SubmitBatchAsync("/* emulator: sleep=60 */ select 1");
        await _emulator.WaitForStatusAsync(id, "STARTED");

        await _emulator.OkAsync("CancelStatement", new { Id = id });
        var described = await _emulator.OkAsync("DescribeStatement", new { Id = id });

        Assert.Equal("ABORTED", described.GetProperty("Status").GetString());
    }

    [Fact]
    public async Task CancelStatement_Aborts_WhenCalledRightAfterSubmit()
    {
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var id = await _emulator.SubmitBatchAsync("select pg_sleep(60)");
            await _emulator.OkAsync("CancelStatement", new { Id = id });
            ids.Add(id);
        }

        foreach (var id in ids)
        {
            Assert.Equal("ABORTED", (await _emulator.OkAsync("DescribeStatement", new { Id = id })).GetProperty("Status").GetString());
        }

        // The backend ends its query once the cancel signal is handled (asynchronous to ABORTED being recorded), and only
        // this test's database counts: other tests on the shared server may sleep too.
        await Eventually.HoldsAsync(
            async () => await CountAsync("SELECT count(*) FROM pg_stat_activity WHERE query = 'select pg_sleep(60)' AND state = 'active' AND datname = current_database()") == 0,
            "no cancelled statement still running in PostgreSQL", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task CancelStatement_IsValidationError_WhenStatementAlreadyFinished()
    {
        var id = await _emulator.SubmitBatchAsync("select 1");
        await _emulator.WaitForEndAsync(id);

        var (status, body, response) = await _emulator.CallAsync("CancelStatement", new { Id = id });
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ValidationException", body.GetProperty("__type").GetString());
        Assert.Equal($"Could not cancel a query that is already in FINISHED state with ID: {id}", body.GetProperty("message").GetString());
    }

    private async Task WaitForSubStatusAsync(string id, int index, string status) =>
        await Eventually.ValueAsync(() => _emulator.OkAsync("DescribeStatement", new { Id = $"{id}:{index}" }),
            described => described.GetProperty("Status").GetString() == status, $"sub-statement {id}:{index} is {status}",
            interval: TimeSpan.FromMilliseconds(20), describe: described => described.ToString());

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
