namespace Scheduler.Redshift.Model;

/// <summary>Lists statements; by default the service lists only FINISHED ones, so pass <c>Status = "ALL"</c>.</summary>
internal sealed class ListStatementsRequest
{
    public string? NextToken { get; set; }

    public int? MaxResults { get; set; }

    /// <summary>A case-sensitive prefix.</summary>
    public string? StatementName { get; set; }

    public string? Status { get; set; }

    public bool? RoleLevel { get; set; }

    public string? Database { get; set; }

    public string? ClusterIdentifier { get; set; }

    public string? WorkgroupName { get; set; }
}
