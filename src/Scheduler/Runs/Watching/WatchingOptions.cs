
namespace Scheduler.Runs.Watching;

/// <summary>
/// Settings of the fast path (section <c>Watching</c>): the in-process watcher that long-polls every active statement,
/// and the DescribeStatement budget that every instance shares through PostgreSQL.
/// </summary>
internal sealed class WatchingOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Watching";

    /// <summary>
    /// Whether this instance runs the watcher. The delayed poll jobs finish every run without it, only more slowly.
    /// </summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// DescribeStatement calls per second allowed to all instances together (the account-wide quota is reported at
    /// 100 requests/s). Every DescribeStatement goes through it: the watcher's long polls and the backstop poll jobs.
    /// The old name of <c>Redshift:Budget:DescribeStatement</c>, which wins when both are set.
    /// </summary>
    /// <value>The default value is 80.</value>
    public int DescribeCallsPerSecond { get; set; } = 80;

    /// <summary>
    /// How many calls of one second an instance claims from PostgreSQL at a time; larger batches mean fewer round trips,
    /// smaller ones share a tight budget more evenly between instances. The old name of <c>Redshift:Budget:ClaimBatch</c>.
    /// </summary>
    /// <value>The default value is 20.</value>
    public int BudgetClaimBatch { get; set; } = 20;

    /// <summary>Most long polls this instance keeps open at once.</summary>
    /// <value>The default value is 3000.</value>
    public int MaxConcurrentLongPolls { get; set; } = 3000;

    /// <summary>
    /// <c>WaitTimeSeconds</c> of each long poll (1–30): the call returns as soon as the statement ends, or after this long.
    /// </summary>
    /// <value>The default value is 30.</value>
    public int WaitTimeSeconds { get; set; } = 30;

    /// <summary>
    /// How often the watcher re-reads the active runs from the run ledger: a statement that ends before the watcher has
    /// seen it is detected at the next read.
    /// </summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>First pause after a failed long poll; it doubles on each further failure, up to one minute.</summary>
    /// <value>The default value is 1 second.</value>
    public TimeSpan ErrorBackoff { get; set; } = TimeSpan.FromSeconds(1);
}
