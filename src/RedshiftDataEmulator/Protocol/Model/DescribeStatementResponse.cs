namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>
/// DescribeStatement's output, for a statement (batch: <see cref="ExecutionMode"/> and <see cref="SubStatements"/>;
/// single: <see cref="QueryString"/> and <see cref="QueryParameters"/>) or for one sub-statement (<c>id:N</c>).
/// </summary>
internal sealed class DescribeStatementResponse
{
    public required string Id { get; init; }

    public string? ClusterIdentifier { get; init; }

    public string? WorkgroupName { get; init; }

    public string? Database { get; init; }

    public string? DbUser { get; init; }

    public string? SecretArn { get; init; }

    public required string Status { get; init; }

    public string? Error { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Nanoseconds; -1 while not ended.</summary>
    public long Duration { get; init; }

    public long? RedshiftPid { get; init; }

    public string? ResultFormat { get; init; }

    public string? QueryString { get; init; }

    public bool HasResultSet { get; init; }

    public long ResultRows { get; init; }

    public long ResultSize { get; init; }

    public long RedshiftQueryId { get; init; }

    public List<SqlParameter>? QueryParameters { get; init; }

    public string? ExecutionMode { get; init; }

    public List<SubStatementData>? SubStatements { get; init; }
}
