using Npgsql;

namespace Scheduler.Runs;

/// <summary>
/// Creates and migrates the ledger's schema: numbered scripts applied in order, each once, under an advisory lock so
/// several instances starting together do not race. The first successful run is remembered; a failure is retried on
/// the next call (PostgreSQL may still be starting).
/// </summary>
internal sealed class RunLedgerSchema(NpgsqlDataSource dataSource, string schema) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    private IReadOnlyList<string> Migrations =>
    [
        // 1: the runs table. One active run per mart is the partial unique index, not application code.
        $"""
        CREATE TABLE {schema}.runs (
            run_id uuid PRIMARY KEY,
            mart text NOT NULL,
            trigger text NOT NULL,
            trigger_key text,
            status text NOT NULL,
            statement_name text NOT NULL,
            client_token text NOT NULL,
            statement_id text,
            sql_statements text[],
            sub_statements jsonb,
            created_at timestamptz NOT NULL,
            deadline_at timestamptz NOT NULL,
            submit_attempted_at timestamptz,
            submit_attempts integer NOT NULL DEFAULT 0,
            submitted_at timestamptz,
            statement_finished_at timestamptz,
            completed_at timestamptz,
            error text,
            failed_statement_index integer,
            active_run_id uuid,
            cancel_reason text,
            cancel_requested_at timestamptz,
            poll_attempt integer NOT NULL DEFAULT 0,
            poll_count integer NOT NULL DEFAULT 0,
            next_poll_at timestamptz,
            updated_at timestamptz NOT NULL,
            CONSTRAINT runs_status_check CHECK (status IN
                ('Submitting', 'Running', 'Cancelling', 'Succeeded', 'Failed', 'Cancelled', 'TimedOut', 'Lost', 'Skipped')),
            CONSTRAINT runs_trigger_check CHECK (trigger IN ('Cron', 'Manual'))
        );
        CREATE UNIQUE INDEX runs_one_active_per_mart ON {schema}.runs (mart) WHERE status IN {RunLedger.ActiveStatuses};
        CREATE UNIQUE INDEX runs_trigger_key ON {schema}.runs (trigger_key);
        CREATE INDEX runs_created ON {schema}.runs (created_at DESC, run_id DESC);
        CREATE INDEX runs_mart_created ON {schema}.runs (mart, created_at DESC, run_id DESC);
        CREATE INDEX runs_active_next ON {schema}.runs (coalesce(next_poll_at, updated_at)) WHERE status IN {RunLedger.ActiveStatuses};
        """,
    ];

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_ready)
            {
                await MigrateAsync(cancellationToken).ConfigureAwait(false);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction, $"SELECT pg_advisory_xact_lock(hashtext('{schema}.migrations'))", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, transaction,
            $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
            """,
            cancellationToken).ConfigureAwait(false);

        await using var current = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {schema}.migrations", connection, transaction);
        var applied = (int)(await current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        var migrations = Migrations;
        for (var version = applied + 1; version <= migrations.Count; version++)
        {
            await ExecuteAsync(connection, transaction, migrations[version - 1], cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, $"INSERT INTO {schema}.migrations (version) VALUES ({version})", cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
