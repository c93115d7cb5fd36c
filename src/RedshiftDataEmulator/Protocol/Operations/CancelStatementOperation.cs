using RedshiftDataEmulator.Protocol.Model;
using RedshiftDataEmulator.Statements;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>CancelStatement: stops a running statement and answers once it is recorded ABORTED.</summary>
internal sealed class CancelStatementOperation(StatementLookup lookup, StatementStore store, StatementRunner runner, TimeProvider timeProvider)
    : DataApiOperation<CancelStatementRequest, CancelStatementResponse>(
        DataApiJsonContext.Default.CancelStatementRequest, DataApiJsonContext.Default.CancelStatementResponse)
{
    public override string Name => "CancelStatement";

    protected override async Task<CancelStatementResponse> HandleAsync(CancelStatementRequest request, CancellationToken cancellationToken)
    {
        var (id, index) = StatementIds.Parse(request.Id);
        if (index is not null)
        {
            throw ApiException.Validation($"Cancel a batch through its statement id, not a sub-statement id ('{id}:{index}').");
        }

        var statement = await lookup.GetExistingAsync(id, null, cancellationToken);
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

        statement = await lookup.GetExistingAsync(id, null, cancellationToken);
        if (statement.Status != StatementStatus.Aborted)
        {
            // It ended on its own before the cancel reached it.
            throw ApiException.Validation($"Could not cancel a query that is already in {statement.Status} state with ID: {id}");
        }

        return new CancelStatementResponse { Status = true };
    }
}
