using Scheduler.Marts;
using Scheduler.Redshift.Limits;

namespace Scheduler.Runs.Queue;

/// <summary>Names a target's slots and finds its limit.</summary>
internal static class RunSlots
{
    private const string WorkgroupPrefix = "workgroup:";
    private const string ClusterPrefix = "cluster:";

    /// <summary><c>workgroup:NAME</c> or <c>cluster:ID</c>: a workgroup and a cluster of the same name are different targets.</summary>
    public static string? KeyOf(RedshiftTarget target) =>
        target.WorkgroupName is { } workgroup ? WorkgroupPrefix + workgroup
        : target.ClusterIdentifier is { } cluster ? ClusterPrefix + cluster
        : null;

    /// <summary>The limit of the target <paramref name="slotKey"/> names (0 = none).</summary>
    public static int CapOf(RedshiftLimitsOptions options, string slotKey) =>
        options.MaxActiveStatementsFor(slotKey.StartsWith(WorkgroupPrefix, StringComparison.Ordinal) ? slotKey[WorkgroupPrefix.Length..]
            : slotKey.StartsWith(ClusterPrefix, StringComparison.Ordinal) ? slotKey[ClusterPrefix.Length..]
            : slotKey);
}
