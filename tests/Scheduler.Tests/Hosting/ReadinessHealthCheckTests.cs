using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Scheduler.Hosting;
using Scheduler.Testing.Postgres;

namespace Scheduler.Tests.Hosting;

public sealed class ReadinessHealthCheckTests
{
    [Fact]
    public async Task CheckHealth_AnswersFromTheCachedResult_UntilTheCacheDurationHasPassed()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("readyz_cache");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        await using var check = new ReadinessHealthCheck(connectionString, time);

        var before = await check.CheckHealthAsync(new HealthCheckContext());
        await ExecuteAsync(connectionString, "CREATE SCHEMA hangfire; CREATE TABLE hangfire.job (id int); CREATE TABLE hangfire.server (id int)");
        var cached = await check.CheckHealthAsync(new HealthCheckContext());
        time.Advance(ReadinessHealthCheck.CacheDuration);
        var fresh = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Equal(HealthStatus.Unhealthy, cached.Status);
        Assert.Equal(HealthStatus.Healthy, fresh.Status);
    }

    [Fact]
    public async Task CheckHealth_UsesItsOwnSmallPool_WhenManyProbesArriveAtOnce()
    {
        var connectionString = await (await PostgresServer.GetAsync()).CreateDatabaseAsync("readyz_pool");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        await using var check = new ReadinessHealthCheck(connectionString, time);

        var results = new List<HealthCheckResult>();
        for (var round = 0; round < 5; round++)
        {
            results.AddRange(await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => check.CheckHealthAsync(new HealthCheckContext()))));
            time.Advance(ReadinessHealthCheck.CacheDuration);
        }

        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        var connections = await ScalarAsync(connectionString,
            $"SELECT count(*) FROM pg_stat_activity WHERE datname = '{database}' AND application_name = 'scheduler-readiness'");
        Assert.Equal(200, results.Count);
        Assert.InRange(connections, 1, ReadinessHealthCheck.MaxPoolSize);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
