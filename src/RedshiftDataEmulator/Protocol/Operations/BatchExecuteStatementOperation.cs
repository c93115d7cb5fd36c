using RedshiftDataEmulator.Protocol.Model;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>BatchExecuteStatement: 1–40 SQL statements run in order, in one transaction unless AUTO_COMMIT.</summary>
internal sealed class BatchExecuteStatementOperation(StatementSubmitter submitter)
    : DataApiOperation<BatchExecuteStatementRequest, SubmitStatementResponse>(
        DataApiJsonContext.Default.BatchExecuteStatementRequest, DataApiJsonContext.Default.SubmitStatementResponse)
{
    public const int MaxSqls = 40;

    public override string Name => "BatchExecuteStatement";

    protected override Task<SubmitStatementResponse> HandleAsync(BatchExecuteStatementRequest request, CancellationToken cancellationToken)
    {
        var sqls = request.Sqls ?? throw ApiException.Missing("sqls");
        if (sqls.Count < 1)
        {
            throw ApiException.Validation("1 validation error detected: Value '[]' at 'sqls' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }

        if (sqls.Count > MaxSqls)
        {
            throw ApiException.Validation($"1 validation error detected: Value at 'sqls' failed to satisfy constraint: Member must have length less than or equal to {MaxSqls} (got {sqls.Count} statements)");
        }

        if (sqls.IndexOf(null!) is var missing and >= 0)
        {
            throw ApiException.Serialization($"Member 'Sqls[{missing}]' must be a string, got Null.");
        }

        return submitter.SubmitAsync(request, sqls, batch: true, request.ExecutionMode ?? "TRANSACTION", cancellationToken);
    }
}
