namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>ListStatements' input.</summary>
internal sealed class ListStatementsRequest
{
    public string? NextToken { get; set; }

    public int? MaxResults { get; set; }

    /// <summary>A case-sensitive prefix.</summary>
    public string? StatementName { get; set; }

    /// <summary>A status or <c>ALL</c>; FINISHED when absent, as on AWS.</summary>
    public string? Status { get; set; }

    public bool? RoleLevel { get; set; }

    public string? Database { get; set; }

    public string? ClusterIdentifier { get; set; }

    public string? WorkgroupName { get; set; }
}
