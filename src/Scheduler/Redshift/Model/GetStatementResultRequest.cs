namespace Scheduler.Redshift.Model;

/// <summary>Asks for one page of a statement's JSON result.</summary>
internal sealed class GetStatementResultRequest
{
    public string Id { get; set; } = "";

    public string? NextToken { get; set; }

    public int? WaitTimeSeconds { get; set; }
}
