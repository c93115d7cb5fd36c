namespace RedshiftDataEmulator.Limits;

/// <summary>Active statements of one workgroup or cluster, in <c>GET /_emulator/limits</c>.</summary>
/// <param name="WorkgroupName">The workgroup, or null for a cluster.</param>
/// <param name="ClusterIdentifier">The cluster, or null for a workgroup.</param>
/// <param name="Active">Statements SUBMITTED, PICKED or STARTED now.</param>
/// <param name="PeakActive">The most active at once since start (or the last reset).</param>
/// <param name="Refused">Submissions answered ActiveStatementsExceededException.</param>
public sealed record TargetLimits(string? WorkgroupName, string? ClusterIdentifier, int Active, int PeakActive, long Refused);
