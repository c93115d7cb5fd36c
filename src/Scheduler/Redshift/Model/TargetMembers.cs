namespace Scheduler.Redshift.Model;

/// <summary>Where a statement runs: a serverless workgroup or a provisioned cluster, plus how to authenticate.</summary>
internal abstract class TargetMembers
{
    public string? ClusterIdentifier { get; set; }

    public string? WorkgroupName { get; set; }

    public string? Database { get; set; }

    public string? DbUser { get; set; }

    public string? SecretArn { get; set; }

    public string? SessionId { get; set; }

    public int? SessionKeepAliveSeconds { get; set; }
}
