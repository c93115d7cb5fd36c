namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>GetStatementResultV2's output: a page as CSV text.</summary>
internal sealed class GetStatementResultV2Response
{
    public required List<CsvRecords> Records { get; init; }

    public required RawJson ColumnMetadata { get; init; }

    public long TotalNumRows { get; init; }

    public string ResultFormat { get; init; } = "CSV";

    public string? NextToken { get; init; }
}
