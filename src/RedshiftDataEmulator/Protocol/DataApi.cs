using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Limits;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator.Protocol;

/// <summary>The Data API operations: validation as the service answers it, then the store and runner.</summary>
internal sealed partial class DataApi(
    StatementStore store, StatementRunner runner, ActiveStatementLimiter limiter, TimeProvider timeProvider, IOptions<EmulatorOptions> options)
{
    private const int MaxSqls = 40;
    private readonly EmulatorOptions _options = options.Value;

    [GeneratedRegex(@"^([a-z0-9]{8}(-[a-z0-9]{4}){3}-[a-z0-9]{12})(:([0-9]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();

    [GeneratedRegex("^[0-9a-zA-Z_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterNameRegex();

    public Task<byte[]> InvokeAsync(string operation, JsonRequest request, CancellationToken cancellationToken) => operation switch
    {
        "ExecuteStatement" => SubmitAsync(request, batch: false, cancellationToken),
        "BatchExecuteStatement" => SubmitAsync(request, batch: true, cancellationToken),
        "DescribeStatement" => DescribeAsync(request, cancellationToken),
        "CancelStatement" => CancelAsync(request, cancellationToken),
        "GetStatementResult" => GetResultAsync(request, csv: false, cancellationToken),
        "GetStatementResultV2" => GetResultAsync(request, csv: true, cancellationToken),
        "ListStatements" => ListAsync(request, cancellationToken),
        _ => throw new ApiException(400, "UnknownOperationException", $"Operation '{operation}' is not supported by the Redshift Data API emulator."),
    };

    private DateTimeOffset RetentionCutoff => timeProvider.GetUtcNow() - _options.StatementRetention;

    private async Task<byte[]> SubmitAsync(JsonRequest request, bool batch, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> sqls;
        if (batch)
        {
            sqls = request.StringList("Sqls") ?? throw Missing("sqls");
            if (sqls.Count < 1)
            {
                throw ApiException.Validation("1 validation error detected: Value '[]' at 'sqls' failed to satisfy constraint: Member must have length greater than or equal to 1");
            }

            if (sqls.Count > MaxSqls)
            {
                throw ApiException.Validation($"1 validation error detected: Value at 'sqls' failed to satisfy constraint: Member must have length less than or equal to {MaxSqls} (got {sqls.Count} statements)");
            }
        }
        else
        {
            sqls = [request.String("Sql") ?? throw Missing("sql")];
        }

        for (var i = 0; i < sqls.Count; i++)
        {
            var where = batch ? $"sqls[{i}]" : "sql";
            if (sqls[i].Length == 0)
            {
                throw ApiException.Validation($"1 validation error detected: Value at '{where}' failed to satisfy constraint: Member must have length greater than or equal to 1");
            }

            var bytes = Encoding.UTF8.GetByteCount(sqls[i]);
            if (bytes > _options.MaxStatementBytes)
            {
                throw ApiException.Validation($"The SQL statement at '{where}' is {bytes} bytes; the maximum query statement size is {_options.MaxStatementBytes / 1024} KB.");
            }
        }

        var cluster = request.String("ClusterIdentifier");
        var workgroup = request.String("WorkgroupName");
        var database = request.String("Database");
        if (request.Has("SessionId") || request.Has("SessionKeepAliveSeconds"))
        {
            throw ApiException.Validation("Sessions (SessionId, SessionKeepAliveSeconds) are not supported by the Redshift Data API emulator.");
        }

        if (cluster is not null && workgroup is not null)
        {
            throw ApiException.Validation("Either ClusterIdentifier or WorkgroupName must be specified, but not both.");
        }

        if (cluster is null && workgroup is null)
        {
            throw ApiException.Validation("Either ClusterIdentifier or WorkgroupName must be specified.");
        }

        if (string.IsNullOrEmpty(database))
        {
            throw ApiException.Validation("Database must be specified.");
        }

        var clientToken = request.String("ClientToken");
        if (clientToken is not null && (clientToken.Length < 1 || clientToken.Length > 64))
        {
            throw ApiException.Validation("1 validation error detected: Value at 'clientToken' failed to satisfy constraint: Member must have length between 1 and 64");
        }

        var statementName = request.String("StatementName");
        if (statementName is { Length: > 2048 })
        {
            throw ApiException.Validation("1 validation error detected: Value at 'statementName' failed to satisfy constraint: Member must have length less than or equal to 2048");
        }

        var executionMode = batch ? request.String("ExecutionMode") ?? "TRANSACTION" : "TRANSACTION";
        if (executionMode is not ("TRANSACTION" or "AUTO_COMMIT"))
        {
            throw ApiException.Validation($"1 validation error detected: Value '{executionMode}' at 'executionMode' failed to satisfy constraint: Member must satisfy enum value set: [TRANSACTION, AUTO_COMMIT]");
        }

        var resultFormat = request.String("ResultFormat") ?? "JSON";
        if (resultFormat is not ("JSON" or "CSV"))
        {
            throw ApiException.Validation($"1 validation error detected: Value '{resultFormat}' at 'resultFormat' failed to satisfy constraint: Member must satisfy enum value set: [JSON, CSV]");
        }

        var wait = WaitTime(request);
        var parameters = request.Parameters();
        string? parametersJson = null;
        if (parameters is not null)
        {
            if (parameters.Count == 0)
            {
                throw ApiException.Validation("1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: Member must have length greater than or equal to 1");
            }

            foreach (var (name, value) in parameters)
            {
                if (!ParameterNameRegex().IsMatch(name))
                {
                    throw ApiException.Validation($"Parameter name '{name}' must match ^[0-9a-zA-Z_]+$.");
                }

                if (value.Length == 0)
                {
                    throw ApiException.Validation($"Parameter '{name}' has an empty value; a value must have length greater than or equal to 1.");
                }

                if (!sqls.Any(sql => ParameterBinder.Rewrite(sql, new HashSet<string> { name }).Names.Count > 0))
                {
                    throw ApiException.Validation($"Parameter '{name}' is not used by any SQL statement.");
                }
            }

            parametersJson = JsonSerializer.Serialize(parameters.Select(p => new Dictionary<string, string> { ["name"] = p.Name, ["value"] = p.Value }));
        }

        if (SimulationDirectiveOrError(sqls[0]) is not null)
        {
            foreach (var sql in sqls.Skip(1))
            {
                SimulationDirectiveOrError(sql);
            }
        }

        var now = timeProvider.GetUtcNow();
        var candidate = new StatementRecord
        {
            Id = Guid.NewGuid(),
            ClientToken = clientToken,
            StatementName = statementName,
            IsBatch = batch,
            ExecutionMode = executionMode,
            Database = database,
            ClusterIdentifier = cluster,
            WorkgroupName = workgroup,
            DbUser = request.String("DbUser"),
            SecretArn = request.String("SecretArn"),
            ResultFormat = resultFormat,
            ParametersJson = parametersJson,
            Status = StatementStatus.Submitted,
            CreatedAt = now,
            UpdatedAt = now,
            SubStatements = sqls.Select((sql, i) => new SubStatementRecord
            {
                Index = i + 1, QueryString = sql, Status = StatementStatus.Submitted, CreatedAt = now, UpdatedAt = now,
            }).ToList(),
        };

        // The slot is taken before the insert so that concurrent submissions cannot overshoot the cap; a repeated
        // ClientToken gives it back (its statement already holds one, or has ended).
        var target = StatementTarget.Of(candidate);
        limiter.Acquire(target);
        StatementRecord statement;
        try
        {
            bool created;
            (statement, created) = await store.InsertAsync(candidate, now - _options.ClientTokenRetention, RetentionCutoff, cancellationToken);
            if (created)
            {
                runner.Start(statement);
            }
            else
            {
                limiter.Release(target);
            }
        }
        catch
        {
            limiter.Release(target);
            throw;
        }

        if (wait is not null)
        {
            await runner.WaitForEndAsync(statement.Id, wait.Value, cancellationToken);
            statement = await store.GetAsync(statement.Id, RetentionCutoff, cancellationToken) ?? statement;
        }

        return JsonResponse.Write(w =>
        {
            w.WriteString("Id", statement.Id.ToString());
            w.WriteTimestamp("CreatedAt", statement.CreatedAt);
            w.WriteOptional("ClusterIdentifier", statement.ClusterIdentifier);
            w.WriteOptional("WorkgroupName", statement.WorkgroupName);
            w.WriteOptional("Database", statement.Database);
            w.WriteOptional("DbUser", statement.DbUser);
            w.WriteOptional("SecretArn", statement.SecretArn);
            if (wait is not null)
            {
                w.WriteString("Status", statement.Status);
                w.WriteNumber("RedshiftPid", statement.RedshiftPid);
                w.WriteBoolean("HasResultSet", statement.SubStatements.Any(s => s.HasResultSet));
            }
        });
    }

    private async Task<byte[]> DescribeAsync(JsonRequest request, CancellationToken cancellationToken)
    {
        var (id, index) = ParseId(request);
        var wait = WaitTime(request);
        var statement = await GetExistingAsync(id, index, cancellationToken);
        if (wait is not null && !StatementStatus.IsTerminal(statement.Status))
        {
            await runner.WaitForEndAsync(id, wait.Value, cancellationToken);
            statement = await GetExistingAsync(id, index, cancellationToken);
        }

        return JsonResponse.Write(w =>
        {
            if (index is { } n)
            {
                var sub = statement.SubStatements[n - 1];
                w.WriteString("Id", $"{statement.Id}:{n}");
                WriteConnection(w, statement);
                WriteSub(w, statement, sub, withId: false);
                return;
            }

            w.WriteString("Id", statement.Id.ToString());
            WriteConnection(w, statement);
            w.WriteString("Status", statement.Status);
            w.WriteOptional("Error", statement.Error);
            w.WriteTimestamp("CreatedAt", statement.CreatedAt);
            w.WriteTimestamp("UpdatedAt", statement.UpdatedAt);
            w.WriteNumber("Duration", StatementDurationNs(statement));
            w.WriteNumber("RedshiftPid", statement.RedshiftPid);
            w.WriteString("ResultFormat", statement.ResultFormat);
            if (statement.IsBatch)
            {
                w.WriteBoolean("HasResultSet", false);
                w.WriteNumber("ResultRows", -1);
                w.WriteNumber("ResultSize", -1);
                w.WriteNumber("RedshiftQueryId", 0);
                w.WriteString("ExecutionMode", statement.ExecutionMode);
                w.WriteStartArray("SubStatements");
                foreach (var sub in statement.SubStatements)
                {
                    w.WriteStartObject();
                    WriteSub(w, statement, sub, withId: true);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }
            else
            {
                var single = statement.SubStatements[0];
                w.WriteString("QueryString", single.QueryString);
                w.WriteBoolean("HasResultSet", single.HasResultSet);
                w.WriteNumber("ResultRows", single.ResultRows);
                w.WriteNumber("ResultSize", single.ResultSize);
                w.WriteNumber("RedshiftQueryId", single.RedshiftQueryId);
                if (statement.ParametersJson is not null)
                {
                    w.WritePropertyName("QueryParameters");
                    w.WriteRawValue(statement.ParametersJson);
                }
            }
        });
    }

    private async Task<byte[]> CancelAsync(JsonRequest request, CancellationToken cancellationToken)
    {
        var (id, index) = ParseId(request);
        if (index is not null)
        {
            throw ApiException.Validation($"Cancel a batch through its statement id, not a sub-statement id ('{id}:{index}').");
        }

        var statement = await GetExistingAsync(id, null, cancellationToken);
        if (StatementStatus.IsTerminal(statement.Status))
        {
            throw ApiException.Validation($"Could not cancel a query that is already in {statement.Status} state with ID: {id}");
        }

        if (!await runner.CancelAsync(id, cancellationToken))
        {
            // Accepted but not (or no longer) running in this process: nothing to stop, so record the abort directly.
            await store.EndAsync(id, StatementStatus.Aborted, "Query cancelled on user's request", StatementStatus.Aborted, null,
                timeProvider.GetUtcNow(), cancellationToken);
        }

        statement = await GetExistingAsync(id, null, cancellationToken);
        if (statement.Status != StatementStatus.Aborted)
        {
            // It ended on its own before the cancel reached it.
            throw ApiException.Validation($"Could not cancel a query that is already in {statement.Status} state with ID: {id}");
        }

        return JsonResponse.Write(w => w.WriteBoolean("Status", true));
    }

    private async Task<byte[]> GetResultAsync(JsonRequest request, bool csv, CancellationToken cancellationToken)
    {
        var (id, index) = ParseId(request);
        var wait = WaitTime(request);
        var statement = await GetExistingAsync(id, index, cancellationToken);
        if (wait is not null && !StatementStatus.IsTerminal(statement.Status))
        {
            await runner.WaitForEndAsync(id, wait.Value, cancellationToken);
            statement = await GetExistingAsync(id, index, cancellationToken);
        }

        if (index is null && statement.IsBatch)
        {
            if (statement.SubStatements.Count > 1)
            {
                throw ApiException.Validation($"Statement {id} is a batch; ask for a sub-statement's result with its id, e.g. {id}:1.");
            }

            index = 1;
        }

        var sub = statement.SubStatements[(index ?? 1) - 1];
        if (statement.ResultFormat != (csv ? "CSV" : "JSON"))
        {
            throw ApiException.Validation(csv
                ? $"Statement {id} was run with ResultFormat {statement.ResultFormat}; use GetStatementResult."
                : $"Statement {id} was run with ResultFormat {statement.ResultFormat}; use GetStatementResultV2.");
        }

        if (sub.Status != StatementStatus.Finished)
        {
            throw ApiException.Validation($"Query does not have result. Please check query status with DescribeStatement. (status: {sub.Status})");
        }

        if (!sub.HasResultSet)
        {
            throw new ApiException(404, "ResourceNotFoundException", "Query does not have result. Please check query status with DescribeStatement.", request.String("Id"));
        }

        var offset = 0;
        var nextToken = request.String("NextToken");
        if (nextToken is not null && !TryDecodeOffset(nextToken, out offset))
        {
            throw ApiException.Validation($"NextToken '{nextToken}' is not valid.");
        }

        var pageRows = _options.ResultPageRows;
        var (columns, records, total) = await store.GetResultPageAsync(id, sub.Index, offset, pageRows, cancellationToken);
        if (csv)
        {
            return JsonResponse.Write(w =>
            {
                w.WriteStartArray("Records");
                w.WriteStartObject();
                w.WriteString("CSVRecords", CsvFormatter.Format(columns ?? "[]", records, header: offset == 0));
                w.WriteEndObject();
                w.WriteEndArray();
                w.WritePropertyName("ColumnMetadata");
                w.WriteRawValue(columns ?? "[]");
                w.WriteNumber("TotalNumRows", total);
                w.WriteString("ResultFormat", "CSV");
                if (offset + pageRows < total)
                {
                    w.WriteString("NextToken", EncodeOffset(offset + pageRows));
                }
            });
        }

        return JsonResponse.Write(w =>
        {
            w.WritePropertyName("Records");
            w.WriteRawValue(records);
            w.WritePropertyName("ColumnMetadata");
            w.WriteRawValue(columns ?? "[]");
            w.WriteNumber("TotalNumRows", total);
            if (offset + pageRows < total)
            {
                w.WriteString("NextToken", EncodeOffset(offset + pageRows));
            }
        });
    }

    private async Task<byte[]> ListAsync(JsonRequest request, CancellationToken cancellationToken)
    {
        var maxResults = request.Int("MaxResults") ?? 100;
        if (maxResults is < 0 or > 100)
        {
            throw ApiException.Validation($"1 validation error detected: Value '{maxResults}' at 'maxResults' failed to satisfy constraint: Member must have value between 0 and 100");
        }

        if (maxResults == 0)
        {
            maxResults = 100;
        }

        var status = request.String("Status") ?? StatementStatus.Finished;
        if (status is not ("SUBMITTED" or "PICKED" or "STARTED" or "FINISHED" or "ABORTED" or "FAILED" or "ALL"))
        {
            throw ApiException.Validation($"1 validation error detected: Value '{status}' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [ABORTED, ALL, FAILED, FINISHED, PICKED, STARTED, SUBMITTED]");
        }

        var cluster = request.String("ClusterIdentifier");
        var workgroup = request.String("WorkgroupName");
        if (cluster is not null && workgroup is not null)
        {
            throw ApiException.Validation("Either ClusterIdentifier or WorkgroupName can be specified, but not both.");
        }

        (DateTimeOffset, Guid)? after = null;
        if (request.String("NextToken") is { } token)
        {
            after = DecodeListToken(token) ?? throw ApiException.Validation($"NextToken '{token}' is not valid.");
        }

        var page = await store.ListAsync(RetentionCutoff, request.String("StatementName"), status == "ALL" ? null : status,
            request.String("Database"), cluster, workgroup, after, maxResults + 1, cancellationToken);
        return JsonResponse.Write(w =>
        {
            w.WriteStartArray("Statements");
            foreach (var s in page.Take(maxResults))
            {
                w.WriteStartObject();
                w.WriteString("Id", s.Id.ToString());
                w.WriteString("Status", s.Status);
                w.WriteOptional("StatementName", s.StatementName);
                w.WriteOptional("SecretArn", s.SecretArn);
                w.WriteTimestamp("CreatedAt", s.CreatedAt);
                w.WriteTimestamp("UpdatedAt", s.UpdatedAt);
                w.WriteBoolean("IsBatchStatement", s.IsBatch);
                w.WriteString("ResultFormat", s.ResultFormat);
                if (s.IsBatch)
                {
                    w.WriteStartArray("QueryStrings");
                    foreach (var sql in s.Sqls)
                    {
                        w.WriteStringValue(sql);
                    }

                    w.WriteEndArray();
                }
                else
                {
                    w.WriteString("QueryString", s.Sqls[0]);
                }

                if (s.ParametersJson is not null)
                {
                    w.WritePropertyName("QueryParameters");
                    w.WriteRawValue(s.ParametersJson);
                }

                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (page.Count > maxResults)
            {
                var last = page[maxResults - 1];
                w.WriteString("NextToken", EncodeListToken(last.CreatedAt, last.Id));
            }
        });
    }

    private async Task<StatementRecord> GetExistingAsync(Guid id, int? index, CancellationToken cancellationToken)
    {
        var statement = await store.GetAsync(id, RetentionCutoff, cancellationToken)
            ?? throw ApiException.NotFound(index is null ? id.ToString() : $"{id}:{index}");
        if (index is { } n && (n < 1 || n > statement.SubStatements.Count || !statement.IsBatch))
        {
            throw ApiException.NotFound($"{id}:{n}");
        }

        return statement;
    }

    private static (Guid Id, int? Index) ParseId(JsonRequest request)
    {
        var raw = request.String("Id") ?? throw Missing("id");
        var match = IdRegex().Match(raw);
        if (!match.Success)
        {
            throw ApiException.Validation($"1 validation error detected: Value '{raw}' at 'id' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9]{{8}}(-[a-z0-9]{{4}}){{3}}-[a-z0-9]{{12}}(:\\d+)?$");
        }

        if (!Guid.TryParse(match.Groups[1].Value, out var id))
        {
            throw ApiException.NotFound(raw);
        }

        int? index = match.Groups[4].Success ? int.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture) : null;
        return (id, index);
    }

    private static TimeSpan? WaitTime(JsonRequest request)
    {
        var seconds = request.Int("WaitTimeSeconds");
        if (seconds is null)
        {
            return null;
        }

        if (seconds is < 1 or > 30)
        {
            throw ApiException.Validation($"1 validation error detected: Value '{seconds}' at 'waitTimeSeconds' failed to satisfy constraint: Member must have value between 1 and 30");
        }

        return TimeSpan.FromSeconds(seconds.Value);
    }

    private static SimulationDirective? SimulationDirectiveOrError(string sql)
    {
        try
        {
            return SimulationDirective.Parse(sql);
        }
        catch (FormatException ex)
        {
            throw ApiException.Validation(ex.Message);
        }
    }

    private static void WriteConnection(Utf8JsonWriter w, StatementRecord statement)
    {
        w.WriteOptional("ClusterIdentifier", statement.ClusterIdentifier);
        w.WriteOptional("WorkgroupName", statement.WorkgroupName);
        w.WriteOptional("Database", statement.Database);
        w.WriteOptional("DbUser", statement.DbUser);
        w.WriteOptional("SecretArn", statement.SecretArn);
    }

    private static void WriteSub(Utf8JsonWriter w, StatementRecord statement, SubStatementRecord sub, bool withId)
    {
        if (withId)
        {
            w.WriteString("Id", $"{statement.Id}:{sub.Index}");
        }

        w.WriteString("Status", sub.Status);
        w.WriteOptional("Error", sub.Error);
        w.WriteTimestamp("CreatedAt", sub.CreatedAt);
        w.WriteTimestamp("UpdatedAt", sub.UpdatedAt);
        w.WriteNumber("Duration", sub.DurationNs);
        w.WriteString("QueryString", sub.QueryString);
        w.WriteNumber("ResultRows", sub.ResultRows);
        w.WriteNumber("ResultSize", sub.ResultSize);
        w.WriteNumber("RedshiftQueryId", sub.RedshiftQueryId);
        w.WriteBoolean("HasResultSet", sub.HasResultSet);
    }

    private static long StatementDurationNs(StatementRecord statement) =>
        statement.StartedAt is { } started && StatementStatus.IsTerminal(statement.Status)
            ? (statement.UpdatedAt - started).Ticks * 100
            : StatementStatus.IsTerminal(statement.Status) ? 0 : -1;

    private static string EncodeOffset(int offset) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + offset.ToString(CultureInfo.InvariantCulture)));

    private static bool TryDecodeOffset(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string EncodeListToken(DateTimeOffset createdAt, Guid id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes($"after:{createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{id}"));

    private static (DateTimeOffset, Guid)? DecodeListToken(string token)
    {
        try
        {
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':');
            if (parts.Length == 3 && parts[0] == "after"
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && Guid.TryParse(parts[2], out var id))
            {
                return (new DateTimeOffset(ticks, TimeSpan.Zero), id);
            }
        }
        catch (FormatException)
        {
        }

        return null;
    }

    private static ApiException Missing(string member) =>
        ApiException.Validation($"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");
}
