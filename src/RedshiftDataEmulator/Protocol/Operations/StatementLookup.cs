using System.Text.Json;
using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Protocol.Model;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>Finds a live statement (within the retention) for the read operations, answering ResourceNotFound as the service does.</summary>
internal sealed class StatementLookup(StatementStore store, TimeProvider timeProvider, IOptions<EmulatorOptions> options)
{
    public DateTimeOffset RetentionCutoff => timeProvider.GetUtcNow() - options.Value.StatementRetention;

    public async Task<StatementRecord> GetExistingAsync(Guid id, int? index, CancellationToken cancellationToken)
    {
        var statement = await store.GetAsync(id, RetentionCutoff, cancellationToken)
            ?? throw ApiException.NotFound(index is null ? id.ToString() : $"{id}:{index}");
        if (index is { } n && (n < 1 || n > statement.SubStatements.Count || !statement.IsBatch))
        {
            throw ApiException.NotFound($"{id}:{n}");
        }

        return statement;
    }

    /// <summary>The stored Parameters member (JSON text) as the model's list, or null.</summary>
    public static List<SqlParameter>? Parameters(StatementRecord statement) => statement.ParametersJson is null
        ? null
        : JsonSerializer.Deserialize(statement.ParametersJson, DataApiJsonContext.Default.ListSqlParameter);
}
