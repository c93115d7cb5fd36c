using Microsoft.Extensions.Options;
using RedshiftDataEmulator.Protocol.Model;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>What GetStatementResult and GetStatementResultV2 share: finding the (sub-)statement, its checks, one page of rows.</summary>
internal sealed class ResultPages(StatementLookup lookup, StatementStore store, StatementRunner runner, IOptions<EmulatorOptions> options)
{
    public int PageRows => options.Value.ResultPageRows;

    /// <returns>The page's column metadata and records (JSON text), the total rows, the page's first row and the NextToken.</returns>
    public async Task<(RawJson Columns, string Records, long Total, int Offset, string? NextToken)> GetPageAsync(
        GetStatementResultRequest request, bool csv, CancellationToken cancellationToken)
    {
        var (id, index) = StatementIds.Parse(request.Id);
        var wait = LongPolling.WaitTime(request.WaitTimeSeconds);
        var statement = await lookup.GetExistingAsync(id, index, cancellationToken);
        if (wait is not null && !StatementStatus.IsTerminal(statement.Status))
        {
            await runner.WaitForEndAsync(id, wait.Value, cancellationToken);
            statement = await lookup.GetExistingAsync(id, index, cancellationToken);
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
            throw new ApiException(404, "ResourceNotFoundException", "Query does not have result. Please check query status with DescribeStatement.", request.Id);
        }

        var offset = 0;
        if (request.NextToken is { } nextToken && !PageTokens.TryDecodeOffset(nextToken, out offset))
        {
            throw ApiException.Validation($"NextToken '{nextToken}' is not valid.");
        }

        var (columns, records, total) = await store.GetResultPageAsync(id, sub.Index, offset, PageRows, cancellationToken);
        return (columns is null ? RawJson.EmptyArray : new RawJson(columns), records, total, offset,
            offset + PageRows < total ? PageTokens.EncodeOffset(offset + PageRows) : null);
    }
}
