using Microsoft.Extensions.Options;
using Npgsql;

namespace Scheduler.Database;

/// <summary>
/// The service's PostgreSQL database: the one <see cref="NpgsqlDataSource"/> every feature queries through, and the
/// migration of the service's schema (<see cref="SchedulerMigrations"/>), applied once per process before anything
/// else uses it.
/// </summary>
internal sealed class SchedulerDatabase : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _migrated;

    /// <summary>Creates the data source on the validated options.</summary>
    public SchedulerDatabase(IOptions<SchedulerDatabaseOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Schema = options.Value.Schema;
        DataSource = NpgsqlDataSource.Create(options.Value.ConnectionString!);
    }

    /// <summary>The pool every query of the service goes through (Hangfire keeps its own).</summary>
    public NpgsqlDataSource DataSource { get; }

    /// <summary>The schema of the service's tables.</summary>
    public string Schema { get; }

    /// <summary>True once this process has brought the schema up to date.</summary>
    public bool IsMigrated => _migrated;

    /// <summary>
    /// Applies the scripts not yet applied, each once, under an advisory lock so instances starting together take
    /// turns. Idempotent; after the first success it returns at once.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_migrated)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_migrated)
            {
                await ApplyAsync(cancellationToken).ConfigureAwait(false);
                _migrated = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        _gate.Dispose();
    }

    private async Task ApplyAsync(CancellationToken cancellationToken)
    {
        await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock(hashtext('{Schema}.migrations'))", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            $"""
            CREATE SCHEMA IF NOT EXISTS {Schema};
            CREATE TABLE IF NOT EXISTS {Schema}.migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            """,
            cancellationToken).ConfigureAwait(false);

        await using var current = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {Schema}.migrations", connection, transaction);
        var applied = (int)(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        var migrations = SchedulerMigrations.For(Schema);
        for (var version = applied + 1; version <= migrations.Count; version++)
        {
            await ExecuteAsync(connection, transaction, migrations[version - 1], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"INSERT INTO {Schema}.migrations (version) VALUES ({version})", cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
