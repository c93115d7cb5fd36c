using Npgsql;

namespace Scheduler.Marts.Pausing;

/// <summary>
/// The pause table, created by idempotent SQL under an advisory lock (instances starting together do not race). Kept in
/// this one file so it can be folded into the ledger's migrations as one step.
/// </summary>
internal static class PauseSchema
{
    /// <summary>The mart name that stands for the global pause (no mart can be called '*').</summary>
    public const string GlobalKey = "*";

    /// <summary>The SQL that creates the schema's pause table; <paramref name="schema"/> is a validated identifier.</summary>
    public static string Sql(string schema) => $"""
        SELECT pg_advisory_xact_lock(hashtext('{schema}.mart_pauses'));
        CREATE SCHEMA IF NOT EXISTS {schema};
        -- One row per paused mart, and the row '*' while everything is paused. Resume deletes the row.
        CREATE TABLE IF NOT EXISTS {schema}.mart_pauses (
            mart text PRIMARY KEY,
            paused_at timestamptz NOT NULL,
            paused_by text
        );
        """;

    /// <summary>Runs <see cref="Sql"/> in one transaction.</summary>
    public static async Task EnsureAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand(Sql(schema), connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
