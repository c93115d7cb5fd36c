namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>GetStatementResult's output: a page of typed records (stored as rendered JSON).</summary>
internal sealed class GetStatementResultResponse
{
    public required RawJson Records { get; init; }

    public required RawJson ColumnMetadata { get; init; }

    public long TotalNumRows { get; init; }

    public string? NextToken { get; init; }
}
