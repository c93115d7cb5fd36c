namespace Scheduler.Redshift.Model;

/// <summary>A statement's status. <see cref="Error"/> on a 200 response is the SQL's error text, not an API error.</summary>
internal sealed class DescribeStatementResponse
{
    public string Id { get; set; } = "";

    public string? Status { get; set; }

    public string? Error { get; set; }

    /// <summary>Nanoseconds on the wire; null when Redshift reports -1 (unknown).</summary>
    public TimeSpan? Duration { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public string? QueryString { get; set; }

    /// <summary>Null when Redshift reports -1 (unknown).</summary>
    public long? ResultRows { get; set; }

    public long? ResultSize { get; set; }

    public long? RedshiftPid { get; set; }

    public long? RedshiftQueryId { get; set; }

    public bool? HasResultSet { get; set; }

    public string? ClusterIdentifier { get; set; }

    public string? WorkgroupName { get; set; }

    public string? Database { get; set; }

    public string? DbUser { get; set; }

    public string? SecretArn { get; set; }

    public string? SessionId { get; set; }

    public string? ResultFormat { get; set; }

    public string? ExecutionMode { get; set; }

    public List<SqlParameter>? QueryParameters { get; set; }

    public List<SubStatementData>? SubStatements { get; set; }
}
