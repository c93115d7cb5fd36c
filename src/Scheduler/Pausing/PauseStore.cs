using Npgsql;
using Scheduler.Database;

namespace Scheduler.Pausing;

/// <summary>
/// Pauses and resumes, kept in PostgreSQL (<c>&lt;Database:Schema&gt;.mart_pauses</c>) so they hold across restarts,
/// reloads and instances. Every read goes to the database: a pause set on one instance applies on all at once.
/// </summary>
internal sealed class PauseStore(SchedulerDatabase database, TimeProvider timeProvider)
{
    /// <summary>The mart name that stands for the global pause (no mart can be called '*').</summary>
    public const string GlobalKey = "*";

    private readonly NpgsqlDataSource dataSource = database.DataSource;
    private readonly string _schema = database.Schema;

    /// <summary>Every pause in force.</summary>
    public async Task<PauseState> GetAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT mart, paused_at, paused_by, reason FROM {_schema}.mart_pauses");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        PauseInfo? global = null;
        var marts = new Dictionary<string, PauseInfo>(StringComparer.Ordinal);
        var mart = reader.GetOrdinal("mart");
        var at = reader.GetOrdinal("paused_at");
        var by = reader.GetOrdinal("paused_by");
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var info = new PauseInfo(reader.GetFieldValue<DateTimeOffset>(at), reader.IsDBNull(by) ? null : reader.GetString(by))
            {
                Reason = reader.IsDBNull(3) ? null : reader.GetString(3),
            };
            var name = reader.GetString(mart);
            if (name == GlobalKey)
            {
                global = info;
            }
            else
            {
                marts[name] = info;
            }
        }

        return new PauseState(global, marts);
    }

    /// <summary>Pauses a mart's cron runs; pausing a paused mart keeps the first pause. Returns the pause in force.</summary>
    public Task<PauseInfo> PauseMartAsync(string mart, string? pausedBy, CancellationToken cancellationToken) =>
        PauseMartAsync(mart, pausedBy, reason: null, cancellationToken);

    /// <summary>Pauses a mart's cron runs, saying why; pausing a paused mart keeps the first pause. Returns the pause in force.</summary>
    public Task<PauseInfo> PauseMartAsync(string mart, string? pausedBy, string? reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(mart);
        return PauseAsync(mart, pausedBy, reason, cancellationToken);
    }

    /// <summary>Resumes a mart; true when it was paused.</summary>
    public Task<bool> ResumeMartAsync(string mart, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(mart);
        return ResumeAsync(mart, cancellationToken);
    }

    /// <summary>Pauses every new run of every mart. Returns the pause in force.</summary>
    public Task<PauseInfo> PauseAllAsync(string? pausedBy, CancellationToken cancellationToken) =>
        PauseAsync(GlobalKey, pausedBy, reason: null, cancellationToken);

    /// <summary>Pauses every new run of every mart, saying why. Returns the pause in force.</summary>
    public Task<PauseInfo> PauseAllAsync(string? pausedBy, string? reason, CancellationToken cancellationToken) =>
        PauseAsync(GlobalKey, pausedBy, reason, cancellationToken);

    /// <summary>Ends the global pause; true when there was one.</summary>
    public Task<bool> ResumeAllAsync(CancellationToken cancellationToken) => ResumeAsync(GlobalKey, cancellationToken);


    private async Task<PauseInfo> PauseAsync(string key, string? pausedBy, string? reason, CancellationToken cancellationToken)
    {
        // The no-op update makes RETURNING give the row in force when it already existed.
        await using var command = dataSource.CreateCommand($"""
            INSERT INTO {_schema}.mart_pauses (mart, paused_at, paused_by, reason) VALUES ($1, $2, $3, $4)
            ON CONFLICT (mart) DO UPDATE SET mart = excluded.mart
            RETURNING paused_at, paused_by, reason
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        command.Parameters.Add(new NpgsqlParameter { Value = timeProvider.GetUtcNow() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)pausedBy ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)reason ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new PauseInfo(reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetString(1))
        {
            Reason = reader.IsDBNull(2) ? null : reader.GetString(2),
        };
    }

    private async Task<bool> ResumeAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"DELETE FROM {_schema}.mart_pauses WHERE mart = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = key });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }
}
