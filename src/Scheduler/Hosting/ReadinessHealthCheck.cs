using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Scheduler.Database;

namespace Scheduler.Hosting;

/// <summary>
/// Ready when PostgreSQL answers and Hangfire's schema is in place. <c>/readyz</c> is anonymous, so the answer is
/// cached for <see cref="CacheDuration"/> and concurrent requests share one check, on a pool of its own (at most
/// <see cref="MaxPoolSize"/> connections): a flood of probes can neither open a connection each nor take the
/// connections Hangfire and the ledger need.
/// </summary>
internal sealed class ReadinessHealthCheck : IHealthCheck, IAsyncDisposable, IDisposable
{
    /// <summary>How long one answer is reused.</summary>
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(2);

    /// <summary>The most connections the check's own pool opens.</summary>
    public const int MaxPoolSize = 2;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _current;
    private DateTimeOffset _expiresAt;

    public ReadinessHealthCheck(Microsoft.Extensions.Options.IOptions<Scheduler.Database.SchedulerDatabaseOptions> database, TimeProvider time)
        : this(database.Value.ConnectionString!, time)
    {
    }

    internal ReadinessHealthCheck(string connectionString, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = MaxPoolSize,
            MinPoolSize = 0,
            ApplicationName = "scheduler-readiness",
            Timeout = 5,
            CommandTimeout = 5,
        };
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _time = time;
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> check;
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            if (_current is null || (_current.IsCompleted && now >= _expiresAt))
            {
                // Not tied to one request's token: the result is shared, and an aborted probe must not fail the others.
                _current = CheckNowAsync();
                _expiresAt = DateTimeOffset.MaxValue;
            }

            check = _current;
        }

        return check.WaitAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private async Task<HealthCheckResult> CheckNowAsync()
    {
        await Task.Yield();
        HealthCheckResult result;
        try
        {
            await using var command = _dataSource.CreateCommand(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = @schema AND table_name IN ('job', 'server')");
            command.Parameters.AddWithValue("schema", HangfireServiceCollectionExtensions.HangfireSchemaName);
            var tables = Convert.ToInt64(await command.ExecuteScalarAsync().ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            result = tables == 2
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The Hangfire schema '{HangfireServiceCollectionExtensions.HangfireSchemaName}' is not ready.");
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            result = HealthCheckResult.Unhealthy("PostgreSQL is not reachable.", ex);
        }

        lock (_lock)
        {
            _expiresAt = _time.GetUtcNow() + CacheDuration;
        }

        return result;
    }
}
