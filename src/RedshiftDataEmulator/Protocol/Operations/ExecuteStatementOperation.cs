using RedshiftDataEmulator.Protocol.Model;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>ExecuteStatement: one SQL statement, run in the background.</summary>
internal sealed class ExecuteStatementOperation(StatementSubmitter submitter)
    : DataApiOperation<ExecuteStatementRequest, SubmitStatementResponse>(
        DataApiJsonContext.Default.ExecuteStatementRequest, DataApiJsonContext.Default.SubmitStatementResponse)
{
    public override string Name => "ExecuteStatement";

    protected override Task<SubmitStatementResponse> HandleAsync(ExecuteStatementRequest request, CancellationToken cancellationToken) =>
        submitter.SubmitAsync(request, [request.Sql ?? throw ApiException.Missing("sql")], batch: false, "TRANSACTION", cancellationToken);
}
