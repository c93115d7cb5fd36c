using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace RedshiftDataEmulator.Statements;

/// <summary>
/// The emulator's state in PostgreSQL (schema <see cref="EmulatorOptions.StateSchema"/>), so that it survives a
/// restart of the emulator.
/// </summary>
internal sealed class StatementStore(StateDataSource state, IOptions<EmulatorOptions> options)
{
    private readonly string _s = options.Value.StateSchema;

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await state.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Several emulators (or tests) may start on one database at once: serialise the DDL.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(hashtext('redshift_emulator_schema'))", cancellationToken);
        await ExecuteAsync(connection, $"""
            CREATE SCHEMA IF NOT EXISTS {_s};
            CREATE TABLE IF NOT EXISTS {_s}.statements (
                id uuid PRIMARY KEY,
                client_token text,
                statement_name text,
                is_batch boolean NOT NULL,
                execution_mode text NOT NULL,
                database text,
                cluster_identifier text,
                workgroup_name text,
                db_user text,
                secret_arn text,
                result_format text NOT NULL,
                parameters jsonb,
                status text NOT NULL,
                error text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                started_at timestamptz,
                executions integer NOT NULL DEFAULT 0,
                redshift_pid bigint NOT NULL DEFAULT 0);
            CREATE INDEX IF NOT EXISTS statements_client_token ON {_s}.statements (client_token, created_at DESC) WHERE client_token IS NOT NULL;
            CREATE INDEX IF NOT EXISTS statements_created_at ON {_s}.statements (created_at DESC, id DESC);
            CREATE INDEX IF NOT EXISTS statements_active ON {_s}.statements (status) WHERE status IN ('SUBMITTED', 'PICKED', 'STARTED');
            CREATE TABLE IF NOT EXISTS {_s}.sub_statements (
                statement_id uuid NOT NULL REFERENCES {_s}.statements (id) ON DELETE CASCADE,
                idx integer NOT NULL,
                query_string text NOT NULL,
                status text NOT NULL,
                error text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                started_at timestamptz,
                duration_ns bigint NOT NULL DEFAULT -1,
                result_rows bigint NOT NULL DEFAULT -1,
                result_size bigint NOT NULL DEFAULT -1,
                has_result_set boolean NOT NULL DEFAULT false,
                redshift_query_id bigint NOT NULL DEFAULT 0,
                columns jsonb,
                records jsonb,
                PRIMARY KEY (statement_id, idx));
            CREATE SEQUENCE IF NOT EXISTS {_s}.query_ids;
            """, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Inserts the statement unless a live statement already carries its ClientToken; returns the stored one
    /// and whether it is new.
    /// </summary>
    public async Task<(StatementRecord Statement, bool Created)> InsertAsync(
        StatementRecord statement, DateTimeOffset tokenCutoff, DateTimeOffset retentionCutoff, CancellationToken cancellationToken)
    {
        await using var connection = await state.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (statement.ClientToken is not null)
        {
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@t))", connection, transaction))
            {
                lockCommand.Parameters.AddWithValue("t", statement.ClientToken);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var find = new NpgsqlCommand(
                $"SELECT id FROM {_s}.statements WHERE client_token = @t AND created_at > @tc AND created_at > @rc ORDER BY created_at DESC LIMIT 1",
                connection, transaction);
            find.Parameters.AddWithValue("t", statement.ClientToken);
            find.Parameters.AddWithValue("tc", tokenCutoff);
            find.Parameters.AddWithValue("rc", retentionCutoff);
            if (await find.ExecuteScalarAsync(cancellationToken) is Guid existing)
            {
                await transaction.CommitAsync(cancellationToken);
                var found = await GetAsync(existing, retentionCutoff, cancellationToken)
                    ?? throw new InvalidOperationException($"Statement {existing} vanished while being read.");
                return (found, false);
            }
        }

        await using (var insert = new NpgsqlCommand($"""
            INSERT INTO {_s}.statements (id, client_token, statement_name, is_batch, execution_mode, database, cluster_identifier,
                workgroup_name, db_user, secret_arn, result_format, parameters, status, created_at, updated_at)
            VALUES (@id, @token, @name, @batch, @mode, @db, @cluster, @wg, @user, @secret, @format, @params::jsonb, @status, @at, @at)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", statement.Id);
            insert.Parameters.Add(Text("token", statement.ClientToken));
            insert.Parameters.Add(Text("name", statement.StatementName));
            insert.Parameters.AddWithValue("batch", statement.IsBatch);
            insert.Parameters.AddWithValue("mode", statement.ExecutionMode);
            insert.Parameters.Add(Text("db", statement.Database));
            insert.Parameters.Add(Text("cluster", statement.ClusterIdentifier));
            insert.Parameters.Add(Text("wg", statement.WorkgroupName));
            insert.Parameters.Add(Text("user", statement.DbUser));
            insert.Parameters.Add(Text("secret", statement.SecretArn));
            insert.Parameters.AddWithValue("format", statement.ResultFormat);
            insert.Parameters.Add(Text("params", statement.ParametersJson));
            insert.Parameters.AddWithValue("status", statement.Status);
            insert.Parameters.AddWithValue("at", statement.CreatedAt);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var sub in statement.SubStatements)
        {
            await using var insertSub = new NpgsqlCommand($"""
                INSERT INTO {_s}.sub_statements (statement_id, idx, query_string, status, created_at, updated_at)
                VALUES (@id, @idx, @sql, @status, @at, @at)
                """, connection, transaction);
            insertSub.Parameters.AddWithValue("id", statement.Id);
            insertSub.Parameters.AddWithValue("idx", sub.Index);
            insertSub.Parameters.AddWithValue("sql", sub.QueryString);
            insertSub.Parameters.AddWithValue("status", sub.Status);
            insertSub.Parameters.AddWithValue("at", sub.CreatedAt);
            await insertSub.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (statement, true);
    }

    /// <summary>The live statement a ClientToken maps to, or null.</summary>
    public async Task<StatementRecord?> FindByClientTokenAsync(
        string clientToken, DateTimeOffset tokenCutoff, DateTimeOffset retentionCutoff, CancellationToken cancellationToken)
    {
        var list = await QueryAsync("s.client_token = @t AND s.created_at > @tc AND s.created_at > @rc", p =>
        {
            p.AddWithValue("t", clientToken);
            p.AddWithValue("tc", tokenCutoff);
            p.AddWithValue("rc", retentionCutoff);
        }, "ORDER BY s.created_at DESC LIMIT 1", cancellationToken);
        return list.Count == 0 ? null : list[0];
    }

    public async Task<StatementRecord?> GetAsync(Guid id, DateTimeOffset retentionCutoff, CancellationToken cancellationToken)
    {
        var list = await QueryAsync("s.id = @id AND s.created_at > @rc", p =>
        {
            p.AddWithValue("id", id);
            p.AddWithValue("rc", retentionCutoff);
        }, "", cancellationToken);
        return list.Count == 0 ? null : list[0];
    }

    /// <summary>Statements newest first, after the (createdAt, id) key when given.</summary>
    public Task<IReadOnlyList<StatementRecord>> ListAsync(
        DateTimeOffset retentionCutoff, string? namePrefix, string? status, string? database, string? cluster, string? workgroup,
        (DateTimeOffset CreatedAt, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        var where = "s.created_at > @rc";
        if (namePrefix is not null)
        {
            where += " AND starts_with(s.statement_name, @prefix)";
        }

        if (status is not null)
        {
            where += " AND s.status = @status";
        }

        if (database is not null)
        {
            where += " AND s.database = @db";
        }

        if (cluster is not null)
        {
            where += " AND s.cluster_identifier = @cluster";
        }

        if (workgroup is not null)
        {
            where += " AND s.workgroup_name = @wg";
        }

        if (after is not null)
        {
            where += " AND (s.created_at, s.id) < (@afterAt, @afterId)";
        }

        return QueryAsync(where, p =>
        {
            p.AddWithValue("rc", retentionCutoff);
            p.Add(Text("prefix", namePrefix));
            p.Add(Text("status", status));
            p.Add(Text("db", database));
            p.Add(Text("cluster", cluster));
            p.Add(Text("wg", workgroup));
            p.AddWithValue("afterAt", after?.CreatedAt ?? DateTimeOffset.MinValue);
            p.AddWithValue("afterId", after?.Id ?? Guid.Empty);
        }, $"ORDER BY s.created_at DESC, s.id DESC LIMIT {limit}", cancellationToken);
    }

    /// <summary>Every live statement, oldest first (the submission log).</summary>
    public Task<IReadOnlyList<StatementRecord>> ListAllAsync(DateTimeOffset retentionCutoff, CancellationToken cancellationToken) =>
        QueryAsync("s.created_at > @rc", p => p.AddWithValue("rc", retentionCutoff), "ORDER BY s.created_at, s.id", cancellationToken);

    public async Task<IReadOnlyList<StatementRecord>> ListActiveAsync(CancellationToken cancellationToken) =>
        await QueryAsync("s.status IN ('SUBMITTED', 'PICKED', 'STARTED')", _ => { }, "ORDER BY s.created_at", cancellationToken);

    public async Task SetStatusAsync(Guid id, string status, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = state.DataSource.CreateCommand(
            $"UPDATE {_s}.statements SET status = @status, updated_at = @at WHERE id = @id AND status NOT IN ('FINISHED', 'FAILED', 'ABORTED')");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks the statement STARTED and counts one real execution of its SQL.</summary>
    public async Task MarkStartedAsync(Guid id, long pid, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = state.DataSource.CreateCommand($"""
            UPDATE {_s}.statements SET status = 'STARTED', started_at = @at, updated_at = @at,
                executions = executions + 1, redshift_pid = @pid
            WHERE id = @id
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("pid", pid);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MarkSubStartedAsync(Guid id, int index, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = state.DataSource.CreateCommand($"""
            UPDATE {_s}.sub_statements SET status = 'STARTED', started_at = @at, updated_at = @at,
                redshift_query_id = nextval('{_s}.query_ids')
            WHERE statement_id = @id AND idx = @idx
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("idx", index);
        command.Parameters.AddWithValue("at", at);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MarkSubEndedAsync(
        Guid id, int index, string status, string? error, DateTimeOffset at, long resultRows, bool hasResultSet, StatementResult? result,
        CancellationToken cancellationToken)
    {
        await using var command = state.DataSource.CreateCommand($"""
            UPDATE {_s}.sub_statements SET status = @status, error = @error, updated_at = @at,
                duration_ns = CASE WHEN started_at IS NULL THEN 0 ELSE (EXTRACT(EPOCH FROM (@at - started_at)) * 1000000000)::bigint END,
                result_rows = @rows, has_result_set = @has, columns = @columns::jsonb, records = @records::jsonb,
                result_size = @size
            WHERE statement_id = @id AND idx = @idx
            """);
        var records = result is null ? null : "[" + string.Join(',', result.RecordsJson) + "]";
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("idx", index);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.Add(Text("error", error));
        command.Parameters.AddWithValue("at", at);
        command.Parameters.AddWithValue("rows", resultRows);
        command.Parameters.AddWithValue("has", hasResultSet);
        command.Parameters.Add(Text("columns", result?.ColumnsJson));
        command.Parameters.Add(Text("records", records));
        command.Parameters.AddWithValue("size", records is null ? 0L : System.Text.Encoding.UTF8.GetByteCount(records));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Ends the statement: its status and error, and every sub-statement not yet ended gets
    /// <paramref name="pendingSubStatus"/>. Returns false when it had already ended.
    /// </summary>
    public async Task<bool> EndAsync(Guid id, string status, string? error, string pendingSubStatus, string? pendingSubError,
        DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await state.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE {_s}.statements SET status = @status, error = @error, updated_at = @at
            WHERE id = @id AND status NOT IN ('FINISHED', 'FAILED', 'ABORTED')
            """, connection, transaction);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.Add(Text("error", error));
        command.Parameters.AddWithValue("at", at);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return false;
        }

        await using var subs = new NpgsqlCommand($"""
            UPDATE {_s}.sub_statements SET status = @status, error = @error, updated_at = @at,
                duration_ns = CASE WHEN started_at IS NULL THEN 0 ELSE (EXTRACT(EPOCH FROM (@at - started_at)) * 1000000000)::bigint END
            WHERE statement_id = @id AND status NOT IN ('FINISHED', 'FAILED', 'ABORTED')
            """, connection, transaction);
        subs.Parameters.AddWithValue("id", id);
        subs.Parameters.AddWithValue("status", pendingSubStatus);
        subs.Parameters.Add(Text("error", pendingSubError));
        subs.Parameters.AddWithValue("at", at);
        await subs.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>One page of a sub-statement's records (JSON array text) and the total row count.</summary>
    public async Task<(string? ColumnsJson, string RecordsJson, long Total)> GetResultPageAsync(
        Guid id, int index, int offset, int count, CancellationToken cancellationToken)
    {
        await using var command = state.DataSource.CreateCommand($"""
            SELECT columns::text,
                   COALESCE(jsonb_path_query_array(records, ('$[' || @from || ' to ' || @to || ']')::jsonpath), '[]'::jsonb)::text,
                   COALESCE(jsonb_array_length(records), 0)
            FROM {_s}.sub_statements WHERE statement_id = @id AND idx = @idx
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("idx", index);
        command.Parameters.AddWithValue("from", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("to", (offset + count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return (null, "[]", 0);
        }

        return (reader.IsDBNull(0) ? null : reader.GetString(0), reader.GetString(1), reader.GetInt32(2));
    }

    /// <summary>Deletes statements older than the retention cut-off.</summary>
    public async Task<int> PurgeAsync(DateTimeOffset retentionCutoff, CancellationToken cancellationToken)
    {
        await using var command = state.DataSource.CreateCommand(
            $"DELETE FROM {_s}.statements WHERE created_at <= @rc AND status IN ('FINISHED', 'FAILED', 'ABORTED')");
        command.Parameters.AddWithValue("rc", retentionCutoff);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<StatementRecord>> QueryAsync(
        string where, Action<NpgsqlParameterCollection> bind, string tail, CancellationToken cancellationToken)
    {
        await using var command = state.DataSource.CreateCommand($"""
            SELECT s.id, s.client_token, s.statement_name, s.is_batch, s.execution_mode, s.database, s.cluster_identifier,
                   s.workgroup_name, s.db_user, s.secret_arn, s.result_format, s.parameters::text, s.status, s.error,
                   s.created_at, s.updated_at, s.started_at, s.executions, s.redshift_pid,
                   (SELECT COALESCE(json_agg(json_build_object(
                        'i', u.idx, 'q', u.query_string, 's', u.status, 'e', u.error, 'c', u.created_at, 'u', u.updated_at,
                        'st', u.started_at, 'd', u.duration_ns, 'r', u.result_rows, 'z', u.result_size, 'h', u.has_result_set,
                        'qid', u.redshift_query_id) ORDER BY u.idx), '[]')::text
                    FROM {_s}.sub_statements u WHERE u.statement_id = s.id)
            FROM {_s}.statements s
            WHERE {where}
            {tail}
            """);
        bind(command.Parameters);
        var list = new List<StatementRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new StatementRecord
            {
                Id = reader.GetGuid(0),
                ClientToken = NullableString(reader, 1),
                StatementName = NullableString(reader, 2),
                IsBatch = reader.GetBoolean(3),
                ExecutionMode = reader.GetString(4),
                Database = NullableString(reader, 5),
                ClusterIdentifier = NullableString(reader, 6),
                WorkgroupName = NullableString(reader, 7),
                DbUser = NullableString(reader, 8),
                SecretArn = NullableString(reader, 9),
                ResultFormat = reader.GetString(10),
                ParametersJson = NullableString(reader, 11),
                Status = reader.GetString(12),
                Error = NullableString(reader, 13),
                CreatedAt = reader.GetFieldValue<DateTimeOffset>(14),
                UpdatedAt = reader.GetFieldValue<DateTimeOffset>(15),
                StartedAt = reader.IsDBNull(16) ? null : reader.GetFieldValue<DateTimeOffset>(16),
                Executions = reader.GetInt32(17),
                RedshiftPid = reader.GetInt64(18),
                SubStatements = ParseSubs(reader.GetString(19)),
            });
        }

        return list;
    }

    private static List<SubStatementRecord> ParseSubs(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var subs = new List<SubStatementRecord>();
        foreach (var e in document.RootElement.EnumerateArray())
        {
            subs.Add(new SubStatementRecord
            {
                Index = e.GetProperty("i").GetInt32(),
                QueryString = e.GetProperty("q").GetString()!,
                Status = e.GetProperty("s").GetString()!,
                Error = e.GetProperty("e").GetString(),
                CreatedAt = e.GetProperty("c").GetDateTimeOffset(),
                UpdatedAt = e.GetProperty("u").GetDateTimeOffset(),
                StartedAt = e.GetProperty("st").ValueKind == System.Text.Json.JsonValueKind.Null ? null : e.GetProperty("st").GetDateTimeOffset(),
                DurationNs = e.GetProperty("d").GetInt64(),
                ResultRows = e.GetProperty("r").GetInt64(),
                ResultSize = e.GetProperty("z").GetInt64(),
                HasResultSet = e.GetProperty("h").GetBoolean(),
                RedshiftQueryId = e.GetProperty("qid").GetInt64(),
            });
        }

        return subs;
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static NpgsqlParameter Text(string name, string? value) =>
        new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
