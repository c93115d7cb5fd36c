namespace Scheduler.Redshift.Model;

/// <summary>One statement of a batch; <see cref="Id"/> is <c>parent:N</c>, N from 1.</summary>
internal sealed class SubStatementData
{
    public string Id { get; set; } = "";

    public string? Status { get; set; }

    public string? Error { get; set; }

    public TimeSpan? Duration { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public DateTimeOffset? UpdatedAt { get; set; }

    public string? QueryString { get; set; }

    public long? ResultRows { get; set; }

    public long? ResultSize { get; set; }

    public long? RedshiftQueryId { get; set; }

    public bool? HasResultSet { get; set; }
}
