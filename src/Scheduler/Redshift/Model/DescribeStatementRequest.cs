namespace Scheduler.Redshift.Model;

/// <summary>Asks for a statement's status; <c>Id:N</c> names the N-th sub-statement of a batch.</summary>
internal sealed class DescribeStatementRequest
{
    public string Id { get; set; } = "";

    /// <summary>Long polling, 1–30 s: the call returns early when the statement ends.</summary>
    public int? WaitTimeSeconds { get; set; }
}
