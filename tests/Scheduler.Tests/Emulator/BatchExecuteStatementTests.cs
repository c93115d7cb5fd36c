using System.Net;
using Npgsql;
using Scheduler.Redshift.Model;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

public sealed class BatchExecuteStatementTests : IAsyncLifetime
{
    private string _database = "";
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _database = await server.CreateDatabaseAsync(nameof(BatchExecuteStatementTests));
        _emulator = await RunningEmulator.StartAsync(_database, new Dictionary<string, string?> { ["Emulator:ResultPageRows"] = "2" });
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task BatchExecute_FinishesWithSubStatements_WhenEveryStatementSucceeds()
    {
        var id = await _emulator.SubmitBatchAsync(
            "create table t1 (a int, b text, c numeric(10,2), d date, f bool, g float8, h bytea)",
            "insert into t1 values (1, 'x', 12.5, '2024-01-02', true, 1.5, '\\\\x010203'), (2, null, null, null, null, null, null), (3, 'z', 0, '2024-01-03', false, 0, null)",
            "select * from t1 order by a");

        var described = await _emulator.WaitForEndAsync(id);

        Assert.Equal("FINISHED", described.GetProperty("Status").GetString());
        var subs = described.GetProperty("SubStatements").EnumerateArray().ToList();
        Assert.Equal(3, subs.Count);
        Assert.All(subs, s => Assert.Equal("FINISHED", s.GetProperty("Status").GetString()));
        Assert.Equal($"{id}:2", subs[1].GetProperty("Id").GetString());
        Assert.Equal(3, subs[1].GetProperty("ResultRows").GetInt64());
        Assert.Equal(3, subs[2].GetProperty("ResultRows").GetInt64());
        Assert.True(subs[2].GetProperty("HasResultSet").GetBoolean());
        Assert.True(subs[0].GetProperty("Duration").GetInt64() > 0);
        Assert.True(described.GetProperty("UpdatedAt").GetDecimal() >= described.GetProperty("CreatedAt").GetDecimal());

        var page1 = await _emulator.OkAsync("GetStatementResult", new { Id = $"{id}:3" });
        Assert.Equal(3, page1.GetProperty("TotalNumRows").GetInt64());
        var rows = page1.GetProperty("Records").EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(1, rows[0][0].GetProperty("longValue").GetInt64());
        Assert.Equal("x", rows[0][1].GetProperty("stringValue").GetString());
        Assert.Equal("12.50", rows[0][2].GetProperty("stringValue").GetString());
        Assert.Equal("2024-01-02", rows[0][3].GetProperty("stringValue").GetString());
        Assert.True(rows[0][4].GetProperty("booleanValue").GetBoolean());
        Assert.Equal(1.5, rows[0][5].GetProperty("doubleValue").GetDouble());
        Assert.Equal("AQID", rows[0][6].GetProperty("blobValue").GetString());
        Assert.True(rows[1][1].GetProperty("isNull").GetBoolean());
        Assert.Equal("int4", page1.GetProperty("ColumnMetadata")[0].GetProperty("typeName").GetString());

        var page2 = await _emulator.OkAsync("GetStatementResult", new { Id = $"{id}:3", NextToken = page1.GetProperty("NextToken").GetString() });
        Assert.Single(page2.GetProperty("Records").EnumerateArray());
        Assert.False(page2.TryGetProperty("NextToken", out _));
    }

    [Fact]
    public async Task BatchExecute_RollsBackEveryStatement_WhenOneFailsInTransactionMode()
    {
        var id = await _emulator.SubmitBatchAsync(
            "create table t2 (a int)", "insert into t2 values (1)", "select * from no_such_table", "insert into t2 values (2)");

        var described = await _emulator.WaitForEndAsync(id);

        Assert.Equal("FAILED", described.GetProperty("Status").GetString());
        Assert.Contains("no_such_table", described.GetProperty("Error").GetString());
        var subs = described.GetProperty("SubStatements").EnumerateArray().Select(s => s.GetProperty("Status").GetString()).ToList();
        Assert.Equal(["FINISHED", "FINISHED", "FAILED", "ABORTED"], subs);
        Assert.False(await TableExistsAsync("t2"));
    }

    [Fact]
    public async Task BatchExecute_KeepsEarlierStatements_WhenOneFailsInAutoCommitMode()
    {
        var submitted = await _emulator.OkAsync("BatchExecuteStatement", new
        {
            Sqls = new[] { "create table t3 (a int)", "insert into t3 values (1)", "select * from no_such_table" },
            Database = "dev",
            ClusterIdentifier = "c1",
            ExecutionMode = "AUTO_COMMIT",
        });

        var described = await _emulator.WaitForEndAsync(submitted.GetProperty("Id").GetString()!);

        Assert.Equal("FAILED", described.GetProperty("Status").GetString());
        Assert.Equal("AUTO_COMMIT", described.GetProperty("ExecutionMode").GetString());
        Assert.True(await TableExistsAsync("t3"));
    }

    [Fact]
    public async Task BatchExecute_UsesRedshiftStringRules_WhenLiteralHasBackslash()
    {
        // standard_conforming_strings = off: '\\' is one backslash, as on Redshift.
        var id = await _emulator.SubmitBatchAsync("select length('a\\\\b') as n, 'it\\'s' as s");

        await _emulator.WaitForEndAsync(id);
        var result = await _emulator.OkAsync("GetStatementResult", new { Id = id });

        Assert.Equal(3, result.GetProperty("Records")[0][0].GetProperty("longValue").GetInt64());
        Assert.Equal("it's", result.GetProperty("Records")[0][1].GetProperty("stringValue").GetString());
    }

    [Fact]
    public async Task ExecuteStatement_BindsNamedParameters_WhenParametersGiven()
    {
        var submitted = await _emulator.OkAsync("ExecuteStatement", new
        {
            Sql = "select :a::int + 1 as n, ':a' as literal, :b as b",
            Parameters = new[] { new { name = "a", value = "41" }, new { name = "b", value = "text" } },
            Database = "dev",
            WorkgroupName = "wg",
            WaitTimeSeconds = 10,
        });
        var id = submitted.GetProperty("Id").GetString()!;
        Assert.Equal("FINISHED", submitted.GetProperty("Status").GetString());

        var result = await _emulator.OkAsync("GetStatementResult", new { Id = id });
        var described = await _emulator.OkAsync("DescribeStatement", new { Id = id });

        Assert.Equal(42, result.GetProperty("Records")[0][0].GetProperty("longValue").GetInt64());
        Assert.Equal(":a", result.GetProperty("Records")[0][1].GetProperty("stringValue").GetString());
        Assert.Equal("text", result.GetProperty("Records")[0][2].GetProperty("stringValue").GetString());
        Assert.Equal("a", described.GetProperty("QueryParameters")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task BatchExecute_ReturnsTheSameIdAndRunsOnce_WhenClientTokenRepeats()
    {
        var request = new { Sqls = new[] { "/* emulator: sleep=0.2 */ select 1" }, Database = "dev", WorkgroupName = "wg", ClientToken = "token-repeat-1" };

        var first = await _emulator.OkAsync("BatchExecuteStatement", request);
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _emulator.OkAsync("BatchExecuteStatement", request)));
        await _emulator.WaitForEndAsync(first.GetProperty("Id").GetString()!);
        var after = await _emulator.OkAsync("BatchExecuteStatement", request);

        var id = first.GetProperty("Id").GetString();
        Assert.All(concurrent, r => Assert.Equal(id, r.GetProperty("Id").GetString()));
        Assert.Equal(id, after.GetProperty("Id").GetString());
        var log = (await _emulator.GetStatementsAsync()).Where(s => s.ClientToken == "token-repeat-1").ToList();
        Assert.Single(log);
        Assert.Equal(1, log[0].Executions);
    }

    [Fact]
    public async Task DescribeStatement_MovesThroughStarted_BeforeFinished()
    {
        var id = await _emulator.SubmitBatchAsync("/* emulator: sleep=1 */ select 1");

        var started = await _emulator.WaitForStatusAsync(id, "STARTED");
        Assert.Equal(-1, started.GetProperty("Duration").GetInt64());
        var finished = await _emulator.WaitForEndAsync(id);

        Assert.Equal("FINISHED", finished.GetProperty("Status").GetString());
        Assert.InRange(finished.GetProperty("SubStatements")[0].GetProperty("Duration").GetInt64(), 900_000_000, 60_000_000_000);
    }

    [Fact]
    public async Task SimulatedStatement_FailsWithTheMessage_WhenFailIsGiven()
    {
        var id = await _emulator.SubmitBatchAsync("/* emulator: sleep=0.1 fail=\"disk full \\\"x\\\"\" */ select 1", "select 2");

        var described = await _emulator.WaitForEndAsync(id);

        Assert.Equal("FAILED", described.GetProperty("Status").GetString());
        Assert.Equal("disk full \"x\"", described.GetProperty("Error").GetString());
        Assert.Equal(1, (await _emulator.GetStatementsAsync()).Single(s => s.Id == id).Executions);
    }

    [Fact]
    public async Task GetStatementResultV2_ReturnsCsv_WhenResultFormatIsCsv()
    {
        var submitted = await _emulator.OkAsync("ExecuteStatement", new
        {
            Sql = "select 1 as a, 'x,y' as b, null::text as c", Database = "dev", WorkgroupName = "wg", ResultFormat = "CSV", WaitTimeSeconds = 10,
        });
        var id = submitted.GetProperty("Id").GetString()!;

        var result = await _emulator.OkAsync("GetStatementResultV2", new { Id = id });
        var (status, json, response) = await _emulator.CallAsync("GetStatementResult", new { Id = id });
        response.Dispose();

        Assert.Equal("a,b,c\n1,\"x,y\",\n", result.GetProperty("Records")[0].GetProperty("CSVRecords").GetString());
        Assert.Equal("CSV", result.GetProperty("ResultFormat").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ValidationException", json.GetProperty("__type").GetString());
    }

    [Fact]
    public async Task GetStatementResult_IsValidationError_WhenStatementHasNoResultYet()
    {
        var id = await _emulator.SubmitBatchAsync("/* emulator: sleep=5 */ select 1");

        var (status, body, response) = await _emulator.CallAsync("GetStatementResult", new { Id = id });
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ValidationException", body.GetProperty("__type").GetString());
    }

    private async Task<bool> TableExistsAsync(string table)
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass(@t) IS NOT NULL", connection);
        command.Parameters.AddWithValue("t", table);
        return (bool)(await command.ExecuteScalarAsync())!;
    }
}
