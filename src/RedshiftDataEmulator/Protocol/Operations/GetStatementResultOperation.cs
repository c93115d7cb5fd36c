using RedshiftDataEmulator.Protocol.Model;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>GetStatementResult: a page of typed records of a statement run with ResultFormat JSON.</summary>
internal sealed class GetStatementResultOperation(ResultPages pages)
    : DataApiOperation<GetStatementResultRequest, GetStatementResultResponse>(
        DataApiJsonContext.Default.GetStatementResultRequest, DataApiJsonContext.Default.GetStatementResultResponse)
{
    public override string Name => "GetStatementResult";

    protected override async Task<GetStatementResultResponse> HandleAsync(GetStatementResultRequest request, CancellationToken cancellationToken)
    {
        var page = await pages.GetPageAsync(request, csv: false, cancellationToken);
        return new GetStatementResultResponse
        {
            Records = new RawJson(page.Records),
            ColumnMetadata = page.Columns,
            TotalNumRows = page.Total,
            NextToken = page.NextToken,
        };
    }
}
