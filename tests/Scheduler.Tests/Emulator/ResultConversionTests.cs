using System.Text.Json;
using Scheduler.Redshift.Model;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

public sealed class ResultConversionTests : IAsyncLifetime
{
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        var database = await server.CreateDatabaseAsync(nameof(ResultConversionTests));
        _emulator = await RunningEmulator.StartAsync(database);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task ExecuteStatement_Finishes_WhenTheResultHasAVoidColumn()
    {
        var id = await SubmitAsync("select pg_sleep(0.01) as slept, 7 as n");

        var described = await _emulator.WaitForEndAsync(id);

        AssertFinished(described);
        var result = await _emulator.OkAsync("GetStatementResult", new { Id = id });
        var row = Assert.Single(result.GetProperty("Records").EnumerateArray());
        // A void has no value: the service's nearest field is isNull.
        Assert.True(row[0].GetProperty("isNull").GetBoolean());
        Assert.Equal(7, row[1].GetProperty("longValue").GetInt64());
        Assert.Equal("void", result.GetProperty("ColumnMetadata")[0].GetProperty("typeName").GetString());
    }

    [Fact]
    public async Task ExecuteStatement_ReturnsTheTextForm_WhenAColumnTypeHasNoMapping()
    {
        await _emulator.WaitForEndAsync(await SubmitAsync("create type pair as (a int, b text)"));
        var id = await SubmitAsync("select row(1, 'x y')::pair as p, '=r/postgres'::aclitem as acl, null::aclitem as none, 'after' as t");

        var described = await _emulator.WaitForEndAsync(id);

        AssertFinished(described);
        var result = await _emulator.OkAsync("GetStatementResult", new { Id = id });
        var row = Assert.Single(result.GetProperty("Records").EnumerateArray());
        Assert.Equal("(1,\"x y\")", row[0].GetProperty("stringValue").GetString());
        Assert.Equal("=r/postgres", row[1].GetProperty("stringValue").GetString());
        Assert.True(row[2].GetProperty("isNull").GetBoolean());
        Assert.Equal("after", row[3].GetProperty("stringValue").GetString());
        // The emulator loaded PostgreSQL's types before 'pair' existed, so that one is named by its OID.
        Assert.Equal(new[] { "oid:", "aclitem", "aclitem", "text" },
            result.GetProperty("ColumnMetadata").EnumerateArray().Select(c => c.GetProperty("typeName").GetString()!)
                .Select(name => name.StartsWith("oid:", StringComparison.Ordinal) ? "oid:" : name).ToArray());
    }

    private static void AssertFinished(JsonElement described) =>
        Assert.Equal(("FINISHED", ""), (described.GetProperty("Status").GetString(), described.TryGetProperty("Error", out var error) ? error.GetString() : ""));

    private async Task<string> SubmitAsync(string sql)
    {
        JsonElement submitted = await _emulator.OkAsync("ExecuteStatement", new { Sql = sql, Database = "dev", WorkgroupName = "wg" });
        return submitted.GetProperty("Id").GetString()!;
    }
}
