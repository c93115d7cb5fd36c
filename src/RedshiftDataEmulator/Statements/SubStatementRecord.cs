namespace RedshiftDataEmulator.Statements;

/// <summary>One statement of a batch (index 1-based), as stored.</summary>
internal sealed record SubStatementRecord
{
    public required int Index { get; init; }
    public required string QueryString { get; init; }
    public required string Status { get; init; }
    public string? Error { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public long DurationNs { get; init; } = -1;
    public long ResultRows { get; init; } = -1;
    public long ResultSize { get; init; } = -1;
    public bool HasResultSet { get; init; }
    public long RedshiftQueryId { get; init; }
}
