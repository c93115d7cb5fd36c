namespace Scheduler.Marts;

/// <summary>
/// The effective Data API target of a mart: the global <c>Redshift:*</c> keys with the mart's
/// <c>Marts:&lt;name&gt;:Redshift:*</c> overrides applied. Exactly one of workgroup and cluster is set.
/// </summary>
internal sealed record RedshiftTarget(
    string? WorkgroupName,
    string? ClusterIdentifier,
    string? Database,
    string? DbUser,
    string? SecretArn);
