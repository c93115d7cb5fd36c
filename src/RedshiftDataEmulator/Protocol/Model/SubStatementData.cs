namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>One statement of a batch in DescribeStatement's SubStatements.</summary>
internal sealed class SubStatementData
{
    public required string Id { get; init; }

    public required string Status { get; init; }

    public string? Error { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public long Duration { get; init; }

    public required string QueryString { get; init; }

    public long ResultRows { get; init; }

    public long ResultSize { get; init; }

    public long RedshiftQueryId { get; init; }

    public bool HasResultSet { get; init; }
}
