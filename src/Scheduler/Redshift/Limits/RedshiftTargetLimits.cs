namespace Scheduler.Redshift.Limits;

/// <summary>The limits of one workgroup or cluster (<c>Redshift:Targets:&lt;name&gt;:*</c>).</summary>
internal sealed class RedshiftTargetLimits
{
    /// <summary>Active statements the scheduler keeps on this target (0 = no limit); unset = <c>Redshift:MaxActiveStatements</c>.</summary>
    public int? MaxActiveStatements { get; set; }
}
