namespace Scheduler.Redshift.Model;

/// <summary>What ExecuteStatement and BatchExecuteStatement return: the statement id at once.</summary>
internal class ExecuteStatementResponse
{
    public string Id { get; set; } = "";

    public DateTimeOffset? CreatedAt { get; set; }

    public string? ClusterIdentifier { get; set; }

    public string? WorkgroupName { get; set; }

    public string? Database { get; set; }

    public string? DbUser { get; set; }

    public List<string>? DbGroups { get; set; }

    public string? SecretArn { get; set; }

    public string? SessionId { get; set; }

    /// <summary>Filled when the call long-polled (<c>WaitTimeSeconds</c>).</summary>
    public string? Status { get; set; }

    public long? RedshiftPid { get; set; }

    public bool? HasResultSet { get; set; }
}
