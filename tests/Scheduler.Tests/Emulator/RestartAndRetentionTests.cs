using Npgsql;
using Scheduler.Testing;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Emulator;

public sealed class RestartAndRetentionTests
{
    [Fact]
    public async Task Restart_KeepsFinishedStatementsAndTokens_AndFailsTheOnesThatWereRunning()
    {
        var server = await PostgresServer.GetAsync();
        var database = await server.CreateDatabaseAsync("emulator_restart");
        await using var emulator = await RunningEmulator.StartAsync(database);
        var finishedId = (await emulator.OkAsync("BatchExecuteStatement", new
        {
            Sqls = new[] { "create table r1 (a int)", "insert into r1 values (1)" }, Database = "dev", WorkgroupName = "wg", ClientToken = "restart-token",
        })).GetProperty("Id").GetString()!;
        await emulator.WaitForEndAsync(finishedId);
        var runningId = await emulator.SubmitBatchAsync("insert into r1 values (2)", "select pg_sleep(60)");
        await emulator.WaitForStatusAsync(runningId, "STARTED");
        await WaitForBackendAsync(database, "select pg_sleep(60)", present: true);
        var simulatedId = await emulator.SubmitBatchAsync("/* emulator: sleep=60 */ select 1");

        await emulator.RestartAsync();

        var running = await emulator.OkAsync("DescribeStatement", new { Id = runningId });
        Assert.Equal("FAILED", running.GetProperty("Status").GetString());
        Assert.Contains("emulator stopped", running.GetProperty("Error").GetString());
        Assert.Equal("FAILED", (await emulator.OkAsync("DescribeStatement", new { Id = simulatedId })).GetProperty("Status").GetString());
        Assert.Equal("FINISHED", (await emulator.OkAsync("DescribeStatement", new { Id = finishedId })).GetProperty("Status").GetString());
        var again = await emulator.OkAsync("BatchExecuteStatement", new
        {
            Sqls = new[] { "create table r1 (a int)", "insert into r1 values (1)" }, Database = "dev", WorkgroupName = "wg", ClientToken = "restart-token",
        });
        Assert.Equal(finishedId, again.GetProperty("Id").GetString());
        await WaitForBackendAsync(database, "select pg_sleep(60)", present: false);
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM r1", connection);
        Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task Start_TerminatesTheSqlOfADeadEmulator_AndFailsItsStatement()
    {
        var server = await PostgresServer.GetAsync();
        var database = await server.CreateDatabaseAsync("emulator_crash");
        await (await RunningEmulator.StartAsync(database)).DisposeAsync();
        var id = Guid.NewGuid();
        await using (var setup = new NpgsqlConnection(database))
        {
            await setup.OpenAsync();
            await using var command = new NpgsqlCommand("""
                CREATE TABLE crash_t (a int);
                INSERT INTO redshift_emulator.statements (id, is_batch, execution_mode, database, workgroup_name, result_format, status, created_at, updated_at, started_at, executions)
                VALUES (@id, true, 'TRANSACTION', 'dev', 'wg', 'JSON', 'STARTED', now(), now(), now(), 1);
                INSERT INTO redshift_emulator.sub_statements (statement_id, idx, query_string, status, created_at, updated_at, started_at)
                VALUES (@id, 1, 'insert into crash_t values (1)', 'FINISHED', now(), now(), now()),
                       (@id, 2, 'select pg_sleep(60)', 'STARTED', now(), now(), now());
                """, setup);
            command.Parameters.AddWithValue("id", id);
            await command.ExecuteNonQueryAsync();
        }

        // What a killed emulator leaves behind: its connection, mid-transaction, still running the batch's SQL.
        var orphanConnection = new NpgsqlConnectionStringBuilder(database) { ApplicationName = $"redshift-emulator-run:{id}", Pooling = false }.ConnectionString;
        await using var orphan = new NpgsqlConnection(orphanConnection);
        await orphan.OpenAsync();
        await using (var begin = new NpgsqlCommand("BEGIN; INSERT INTO crash_t VALUES (1);", orphan))
        {
            await begin.ExecuteNonQueryAsync();
        }

        await using var sleep = new NpgsqlCommand("select pg_sleep(60)", orphan);
        var sleeping = sleep.ExecuteNonQueryAsync();
        await WaitForBackendAsync(database, "select pg_sleep(60)", present: true);

        await using var emulator = await RunningEmulator.StartAsync(database);

        await Assert.ThrowsAnyAsync<Exception>(() => sleeping.WaitAsync(TimeSpan.FromSeconds(30)));
        var described = await emulator.OkAsync("DescribeStatement", new { Id = id.ToString() });
        Assert.Equal("FAILED", described.GetProperty("Status").GetString());
        Assert.Contains("rolled back", described.GetProperty("Error").GetString());
        Assert.Equal("FAILED", described.GetProperty("SubStatements")[1].GetProperty("Status").GetString());
        await using var check = new NpgsqlConnection(database);
        await check.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM crash_t", check);
        Assert.Equal(0L, (long)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task DescribeStatement_IsNotFound_WhenMetadataExpired()
    {
        var server = await PostgresServer.GetAsync();
        await using var emulator = await RunningEmulator.StartAsync(await server.CreateDatabaseAsync("emulator_retention"),
            new Dictionary<string, string?> { ["Emulator:StatementRetention"] = "00:00:02" });
        var id = await emulator.SubmitBatchAsync("select 1");
        await emulator.WaitForEndAsync(id);

        var (_, json) = await Eventually.ValueAsync(async () =>
            {
                var (status, body, response) = await emulator.CallAsync("DescribeStatement", new { Id = id });
                response.Dispose();
                return ((int)status, body);
            },
            answer => answer.Item1 == 404, "DescribeStatement answers 404 for the expired statement", interval: TimeSpan.FromMilliseconds(200));
        Assert.Equal("ResourceNotFoundException", json.GetProperty("__type").GetString());

        Assert.DoesNotContain(await emulator.GetStatementsAsync(), s => s.Id == id);
    }

    // Only this test's database: other tests on the shared server run the same pg_sleep(60) at the same time.
    private static Task WaitForBackendAsync(string database, string query, bool present) =>
        Eventually.HoldsAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE query = @q AND state = 'active' AND datname = current_database()", connection);
            command.Parameters.AddWithValue("q", query);
            return ((long)(await command.ExecuteScalarAsync())! > 0) == present;
        }, $"a backend running '{query}' is {(present ? "present" : "gone")}", interval: TimeSpan.FromMilliseconds(50));
}
