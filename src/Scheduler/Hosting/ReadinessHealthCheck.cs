using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Scheduler.Hosting;

/// <summary>Ready when PostgreSQL answers and Hangfire's schema is in place.</summary>
internal sealed class ReadinessHealthCheck(IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new NpgsqlConnection(configuration.GetConnectionString("Scheduler"));
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = @schema AND table_name IN ('job', 'server')",
                connection);
            command.Parameters.AddWithValue("schema", HangfireServiceCollectionExtensions.HangfireSchemaName);
            var tables = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            return tables == 2
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The Hangfire schema '{HangfireServiceCollectionExtensions.HangfireSchemaName}' is not ready.");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable.", ex);
        }
    }
}
