namespace Scheduler.Redshift.Model;

/// <summary>One page of rows; <see cref="NextToken"/> absent or empty on the last page.</summary>
internal sealed class GetStatementResultResponse
{
    public List<List<Field>> Records { get; set; } = [];

    public List<ColumnMetadata>? ColumnMetadata { get; set; }

    public long? TotalNumRows { get; set; }

    public string? NextToken { get; set; }
}
