using System.Net;
using Npgsql;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

/// <summary>BatchExecuteStatement's Parameters: shared by every statement of the batch, bound, never spliced.</summary>
public sealed class BatchParametersTests : IAsyncLifetime
{
    private string _database = "";
    private RunningEmulator _emulator = null!;

    public async Task InitializeAsync()
    {
        var server = await PostgresServer.GetAsync();
        _database = await server.CreateDatabaseAsync(nameof(BatchParametersTests));
        _emulator = await RunningEmulator.StartAsync(_database);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task BatchExecute_BindsTheParametersInEveryStatement_WhenParametersGiven()
    {
        const string Hostile = "x'); DROP TABLE p1; --";

        var submitted = await _emulator.OkAsync("BatchExecuteStatement", new
        {
            Sqls = new[]
            {
                "create table p1 (d date, note text, literal text)",
                "insert into p1 values (:run_date::date, :note, ':note')",
                "delete from p1 where d <> :run_date::date",
                "insert into p1 select d + 1, note || '!', literal from p1 where note = :note",
                "select count(*) as n from p1",
            },
            Parameters = new[] { new { name = "run_date", value = "2026-12-01" }, new { name = "note", value = Hostile } },
            Database = "dev",
            WorkgroupName = "wg",
            WaitTimeSeconds = 20,
        });
        var id = submitted.GetProperty("Id").GetString()!;
        var described = await _emulator.WaitForEndAsync(id);

        Assert.True(described.GetProperty("Status").GetString() == "FINISHED", described.ToString());
        Assert.Equal([("2026-12-01", Hostile, ":note"), ("2026-12-02", Hostile + "!", ":note")], await RowsAsync());
        var listed = await _emulator.OkAsync("ListStatements", new { Status = "ALL" });
        var parameters = listed.GetProperty("Statements")[0].GetProperty("QueryParameters");
        Assert.Equal("run_date", parameters[0].GetProperty("name").GetString());
        Assert.Equal(Hostile, parameters[1].GetProperty("value").GetString());
    }

    [Fact]
    public async Task BatchExecute_Fails_WhenAStatementUsesAParameterNobodySupplied()
    {
        var submitted = await _emulator.OkAsync("BatchExecuteStatement", new
        {
            Sqls = new[] { "select :run_date::date", "select :missing" },
            Parameters = new[] { new { name = "run_date", value = "2026-12-01" } },
            Database = "dev",
            WorkgroupName = "wg",
        });

        var described = await _emulator.WaitForEndAsync(submitted.GetProperty("Id").GetString()!);

        // As on Redshift: the placeholder reaches the SQL parser unbound.
        Assert.Equal("FAILED", described.GetProperty("Status").GetString());
        Assert.Contains("syntax error", described.GetProperty("Error").GetString(), StringComparison.Ordinal);
        Assert.Equal("FAILED", described.GetProperty("SubStatements")[1].GetProperty("Status").GetString());
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { """[{"name":"unused","value":"1"}]""", "not used by any SQL statement" },
        { """[]""", "at 'parameters'" },
        { """[{"name":"run date","value":"1"}]""", "must match" },
        { """[{"name":"run_date","value":""}]""", "empty value" },
        { """[{"name":"run_date"}]""", "'name' and 'value'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task BatchExecute_IsValidationError_WhenParametersAreInvalid(string parameters, string expected)
    {
        var body = """{"Sqls":["select :run_date","select 2"],"Database":"dev","WorkgroupName":"wg","ClientToken":"bad-parameters","Parameters":""" + parameters + "}";

        var (status, json, response) = await _emulator.CallAsync("BatchExecuteStatement", body);
        response.Dispose();

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("ValidationException", json.GetProperty("__type").GetString());
        Assert.Contains(expected, json.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await _emulator.GetStatementsAsync(), s => s.ClientToken == "bad-parameters");
    }

    private async Task<List<(string, string, string)>> RowsAsync()
    {
        await using var connection = new NpgsqlConnection(_database);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand("select d::text, note, literal from p1 order by d", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var rows = new List<(string, string, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return rows;
    }
}
