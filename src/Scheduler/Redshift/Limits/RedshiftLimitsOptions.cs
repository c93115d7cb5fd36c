namespace Scheduler.Redshift.Limits;

/// <summary>
/// Redshift's limits as the scheduler keeps them (section <c>Redshift</c>, beside the client's keys): active statements
/// per workgroup or cluster (<c>Redshift:MaxActiveStatements</c>, overridable per target under
/// <c>Redshift:Targets:&lt;workgroup-or-cluster&gt;:MaxActiveStatements</c>) and Data API calls per second
/// (<c>Redshift:Budget:*</c>), both shared by every instance through PostgreSQL.
/// </summary>
internal sealed class RedshiftLimitsOptions
{
    /// <summary>The configuration section (shared with <see cref="RedshiftClientOptions"/>).</summary>
    public const string SectionName = "Redshift";

    /// <summary>
    /// Active statements the scheduler keeps on one workgroup or cluster, all instances together; runs beyond it wait
    /// as <c>Queued</c>. 0 turns the limit off (runs are sent at once, as before the limit existed). Redshift admits about
    /// 200; the default leaves room for other clients of the same target.
    /// </summary>
    /// <value>The default value is 150.</value>
    public int MaxActiveStatements { get; set; } = 150;

    /// <summary>Per-target overrides, keyed by workgroup name or cluster identifier (ordinal).</summary>
    public Dictionary<string, RedshiftTargetLimits> Targets { get; } = new(StringComparer.Ordinal);

    /// <summary>Data API calls per second, by operation group, shared by all instances.</summary>
    public RedshiftBudgetOptions Budget { get; set; } = new();

    /// <summary>
    /// How often every instance looks for queued runs that could have a slot (a signal lost with a dead instance, a
    /// backoff after <c>ActiveStatementsExceededException</c> that ran out) and queued runs past their deadline. A slot
    /// freed by a run that ends is handed on at once, without waiting for this.
    /// </summary>
    /// <value>The default value is 5 seconds.</value>
    public TimeSpan QueueSweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The limit for the target named <paramref name="workgroupOrCluster"/>: its override, else the default.</summary>
    public int MaxActiveStatementsFor(string workgroupOrCluster) =>
        Targets.TryGetValue(workgroupOrCluster, out var target) && target.MaxActiveStatements is { } max ? max : MaxActiveStatements;
}
