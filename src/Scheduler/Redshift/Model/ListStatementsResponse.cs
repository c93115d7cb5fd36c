namespace Scheduler.Redshift.Model;

/// <summary>One page of statements.</summary>
internal sealed class ListStatementsResponse
{
    public List<StatementData> Statements { get; set; } = [];

    public string? NextToken { get; set; }
}
