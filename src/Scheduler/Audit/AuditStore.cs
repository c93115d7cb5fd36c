using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Scheduler.Database;
using Scheduler.Security;

namespace Scheduler.Audit;

/// <summary>
/// The audit log in PostgreSQL (<c>&lt;Database:Schema&gt;.audit_log</c>): written once per action, read by
/// <c>GET /api/audit</c> and the dashboard's Audit page, purged by <see cref="AuditRetentionJob"/>.
/// </summary>
internal sealed class AuditStore(SchedulerDatabase database)
{
    private const int MaxTextLength = 512;
    private readonly NpgsqlDataSource _dataSource = database.DataSource;
    private readonly string _schema = database.Schema;

    /// <summary>Records one entry. User-supplied text is escaped of control characters and cut at 512 characters.</summary>
    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var command = _dataSource.CreateCommand($"""
            INSERT INTO {_schema}.audit_log (at, user_name, role, action, target, mart, parameters, remote_address, outcome, status)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = entry.At });
        command.Parameters.Add(Text(entry.User));
        command.Parameters.Add(Text(entry.Role));
        command.Parameters.Add(Text(entry.Action));
        command.Parameters.Add(Text(entry.Target));
        command.Parameters.Add(Text(entry.Mart));
        command.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Jsonb,
            Value = entry.Parameters is { Count: > 0 } parameters
                ? JsonSerializer.Serialize(parameters.ToDictionary(p => Clean(p.Key)!, p => Clean(p.Value), StringComparer.Ordinal))
                : DBNull.Value,
        });
        command.Parameters.Add(Text(entry.RemoteAddress));
        command.Parameters.Add(new NpgsqlParameter { Value = entry.Outcome });
        command.Parameters.Add(new NpgsqlParameter { Value = entry.Status });
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A page of entries, newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder($"SELECT audit_id, at, user_name, role, action, target, mart, parameters::text, remote_address, outcome, status FROM {_schema}.audit_log WHERE true");
        var parameters = new List<NpgsqlParameter>();
        void Filter(string column, object? value)
        {
            if (value is not null)
            {
                parameters.Add(new NpgsqlParameter { Value = value });
                sql.Append(System.Globalization.CultureInfo.InvariantCulture, $" AND {column} ${parameters.Count}");
            }
        }

        Filter("user_name =", query.User);
        Filter("mart =", query.Mart);
        Filter("action =", query.Action);
        Filter("audit_id <", query.Before);
        parameters.Add(new NpgsqlParameter { Value = query.Limit });
        sql.Append(System.Globalization.CultureInfo.InvariantCulture, $" ORDER BY audit_id DESC LIMIT ${parameters.Count}");
        await using var command = _dataSource.CreateCommand(sql.ToString());
        command.Parameters.AddRange(parameters.ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var entries = new List<AuditEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            string? Get(int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
            entries.Add(new AuditEntry(
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                reader.GetString(3),
                reader.GetString(4),
                Get(5),
                Get(6),
                Get(7) is { } json ? JsonSerializer.Deserialize<Dictionary<string, string>>(json) : null,
                Get(8),
                reader.GetString(9),
                reader.GetInt32(10))
            {
                Id = reader.GetInt64(0),
            });
        }

        return entries;
    }

    /// <summary>Deletes at most <paramref name="batchSize"/> entries older than <paramref name="olderThan"/>; returns how many.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int batchSize, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"""
            DELETE FROM {_schema}.audit_log WHERE audit_id IN (
                SELECT audit_id FROM {_schema}.audit_log WHERE at < $1 ORDER BY at LIMIT $2)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = olderThan });
        command.Parameters.Add(new NpgsqlParameter { Value = batchSize });
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlParameter Text(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)Clean(value) ?? DBNull.Value };

    private static string? Clean(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var escaped = LogText.Escape(value);
        return escaped.Length > MaxTextLength ? escaped[..MaxTextLength] + "…" : escaped;
    }
}
