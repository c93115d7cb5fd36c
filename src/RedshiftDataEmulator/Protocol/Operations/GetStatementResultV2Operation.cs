using RedshiftDataEmulator.Protocol.Model;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>GetStatementResultV2: a page as CSV (header line on the first page) of a statement run with ResultFormat CSV.</summary>
internal sealed class GetStatementResultV2Operation(ResultPages pages)
    : DataApiOperation<GetStatementResultRequest, GetStatementResultV2Response>(
        DataApiJsonContext.Default.GetStatementResultRequest, DataApiJsonContext.Default.GetStatementResultV2Response)
{
    public override string Name => "GetStatementResultV2";

    protected override async Task<GetStatementResultV2Response> HandleAsync(GetStatementResultRequest request, CancellationToken cancellationToken)
    {
        var page = await pages.GetPageAsync(request, csv: true, cancellationToken);
        return new GetStatementResultV2Response
        {
            Records = [new CsvRecords { CSVRecords = CsvFormatter.Format(page.Columns.Json, page.Records, header: page.Offset == 0) }],
            ColumnMetadata = page.Columns,
            TotalNumRows = page.Total,
            NextToken = page.NextToken,
        };
    }
}
