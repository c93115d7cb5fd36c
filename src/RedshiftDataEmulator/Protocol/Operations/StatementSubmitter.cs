using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Limits;
using RedshiftDataEmulator.Protocol.Model;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>
/// What ExecuteStatement and BatchExecuteStatement share: validation as the service answers it, the active-statement
/// cap, the ClientToken, the store and the runner, and long polling.
/// </summary>
internal sealed partial class StatementSubmitter(
    StatementStore store, StatementRunner runner, ActiveStatementLimiter limiter, StatementLookup lookup, TimeProvider timeProvider,
    IOptions<EmulatorOptions> options)
{
    private readonly EmulatorOptions _options = options.Value;

    [GeneratedRegex("^[0-9a-zA-Z_]+$", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterNameRegex();

    /// <param name="request">The members both operations share.</param>
    /// <param name="sqls">The statement(s), already checked for presence and count.</param>
    /// <param name="batch">BatchExecuteStatement (sub-statement ids, <c>sqls[i]</c> in messages).</param>
    /// <param name="executionMode">TRANSACTION or AUTO_COMMIT as requested (checked here).</param>
    /// <param name="cancellationToken">The request's.</param>
    public async Task<SubmitStatementResponse> SubmitAsync(
        SubmitStatementRequest request, IReadOnlyList<string> sqls, bool batch, string executionMode, CancellationToken cancellationToken)
    {
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

        var cluster = request.ClusterIdentifier;
        var workgroup = request.WorkgroupName;
        var database = request.Database;
        if (request.SessionId is not null || request.SessionKeepAliveSeconds is not null)
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

        var clientToken = request.ClientToken;
        if (clientToken is not null && (clientToken.Length < 1 || clientToken.Length > 64))
        {
            throw ApiException.Validation("1 validation error detected: Value at 'clientToken' failed to satisfy constraint: Member must have length between 1 and 64");
        }

        if (request.StatementName is { Length: > 2048 })
        {
            throw ApiException.Validation("1 validation error detected: Value at 'statementName' failed to satisfy constraint: Member must have length less than or equal to 2048");
        }

        if (executionMode is not ("TRANSACTION" or "AUTO_COMMIT"))
        {
            throw ApiException.Validation($"1 validation error detected: Value '{executionMode}' at 'executionMode' failed to satisfy constraint: Member must satisfy enum value set: [TRANSACTION, AUTO_COMMIT]");
        }

        var resultFormat = request.ResultFormat ?? "JSON";
        if (resultFormat is not ("JSON" or "CSV"))
        {
            throw ApiException.Validation($"1 validation error detected: Value '{resultFormat}' at 'resultFormat' failed to satisfy constraint: Member must satisfy enum value set: [JSON, CSV]");
        }

        var wait = LongPolling.WaitTime(request.WaitTimeSeconds);
        var parametersJson = ValidateParameters(request.Parameters, sqls);
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
            StatementName = request.StatementName,
            IsBatch = batch,
            ExecutionMode = executionMode,
            Database = database,
            ClusterIdentifier = cluster,
            WorkgroupName = workgroup,
            DbUser = request.DbUser,
            SecretArn = request.SecretArn,
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

        var statement = await InsertAndStartAsync(candidate, now, cancellationToken);
        if (wait is not null)
        {
            await runner.WaitForEndAsync(statement.Id, wait.Value, cancellationToken);
            statement = await store.GetAsync(statement.Id, lookup.RetentionCutoff, cancellationToken) ?? statement;
        }

        return new SubmitStatementResponse
        {
            Id = statement.Id.ToString(),
            CreatedAt = statement.CreatedAt,
            ClusterIdentifier = statement.ClusterIdentifier,
            WorkgroupName = statement.WorkgroupName,
            Database = statement.Database,
            DbUser = statement.DbUser,
            SecretArn = statement.SecretArn,
            Status = wait is null ? null : statement.Status,
            RedshiftPid = wait is null ? null : statement.RedshiftPid,
            HasResultSet = wait is null ? null : statement.SubStatements.Any(s => s.HasResultSet),
        };
    }

    private async Task<StatementRecord> InsertAndStartAsync(StatementRecord candidate, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The slot is taken before the insert so that concurrent submissions cannot overshoot the cap; a repeated
        // ClientToken gives it back (its statement already holds one, or has ended), or, at the cap, asks for none.
        var target = StatementTarget.Of(candidate);
        if (!limiter.TryAcquire(target))
        {
            // A repeat of a submission that was accepted (its answer lost) gets that statement, full or not: the
            // token makes the call idempotent, and it asks for no new slot.
            var existing = candidate.ClientToken is null ? null : await store.FindByClientTokenAsync(
                candidate.ClientToken, now - _options.ClientTokenRetention, lookup.RetentionCutoff, cancellationToken);
            return existing ?? throw limiter.Refuse(target);
        }

        try
        {
            var (statement, created) = await store.InsertAsync(candidate, now - _options.ClientTokenRetention, lookup.RetentionCutoff, cancellationToken);
            if (created)
            {
                runner.Start(statement);
            }
            else
            {
                limiter.Release(target);
            }

            return statement;
        }
        catch
        {
            limiter.Release(target);
            throw;
        }
    }

    /// <summary>The service's rules for Parameters (shared by every statement of a batch); returns them as stored JSON, or null.</summary>
    private static string? ValidateParameters(List<SqlParameter>? parameters, IReadOnlyList<string> sqls)
    {
        if (parameters is null)
        {
            return null;
        }

        if (parameters.Count == 0)
        {
            throw ApiException.Validation("1 validation error detected: Value '[]' at 'parameters' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }

        foreach (var parameter in parameters)
        {
            if (parameter?.Name is not { } name || parameter.Value is not { } value)
            {
                throw ApiException.Validation("1 validation error detected: each SqlParameter needs string members 'name' and 'value'.");
            }

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

        return JsonSerializer.Serialize(parameters, DataApiJsonContext.Default.ListSqlParameter);
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
}
