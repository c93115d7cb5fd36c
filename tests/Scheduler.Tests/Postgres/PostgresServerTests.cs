using Npgsql;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Postgres;

public sealed class PostgresServerTests
{
    [Fact]
    public async Task CreateDatabaseAsync_GivesEachCallerItsOwnEmptyDatabase()
    {
        var server = await PostgresServer.GetAsync();
        var first = await server.CreateDatabaseAsync(nameof(PostgresServerTests));
        var second = await server.CreateDatabaseAsync(nameof(PostgresServerTests));

        await using (var connection = new NpgsqlConnection(first))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE marker (id int)", connection);
            await create.ExecuteNonQueryAsync();
        }

        await using var other = new NpgsqlConnection(second);
        await other.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE tablename = 'marker'", other);
        Assert.NotEqual(first, second);
        Assert.Equal(0L, (long)(await query.ExecuteScalarAsync())!);
    }
}
