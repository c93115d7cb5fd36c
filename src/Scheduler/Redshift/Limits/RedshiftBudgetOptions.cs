namespace Scheduler.Redshift.Limits;

/// <summary>
/// Data API calls per second allowed to all instances together (<c>Redshift:Budget:*</c>), below the account's quotas
/// (reported: ExecuteStatement about 30/s, DescribeStatement 100/s, GetStatementResult 20/s; the others are not
/// published). Every HTTP attempt, retries included, takes one token, paced evenly through the second.
/// </summary>
internal sealed class RedshiftBudgetOptions
{
    /// <summary>The default of <see cref="DescribeStatement"/> (and of the old <c>Watching:DescribeCallsPerSecond</c>).</summary>
    public const int DefaultDescribeStatement = 80;

    /// <summary>The default of <see cref="ClaimBatch"/> (and of the old <c>Watching:BudgetClaimBatch</c>).</summary>
    public const int DefaultClaimBatch = 20;

    /// <summary>ExecuteStatement and BatchExecuteStatement together (<c>Redshift:Budget:Submit</c>).</summary>
    /// <value>The default value is 25.</value>
    public int Submit { get; set; } = 25;

    /// <summary>
    /// DescribeStatement (<c>Redshift:Budget:DescribeStatement</c>): the watcher's long polls and the poll jobs. Unset,
    /// the old key <c>Watching:DescribeCallsPerSecond</c> is used when present.
    /// </summary>
    /// <value>The default value is 80.</value>
    public int? DescribeStatement { get; set; }

    /// <summary>CancelStatement (<c>Redshift:Budget:CancelStatement</c>).</summary>
    /// <value>The default value is 10.</value>
    public int CancelStatement { get; set; } = 10;

    /// <summary>ListStatements (<c>Redshift:Budget:ListStatements</c>): lookups by statement name.</summary>
    /// <value>The default value is 5.</value>
    public int ListStatements { get; set; } = 5;

    /// <summary>GetStatementResult (<c>Redshift:Budget:GetStatementResult</c>).</summary>
    /// <value>The default value is 15.</value>
    public int GetStatementResult { get; set; } = 15;

    /// <summary>
    /// How many tokens of one second an instance claims from PostgreSQL at a time (<c>Redshift:Budget:ClaimBatch</c>);
    /// unset, <c>Watching:BudgetClaimBatch</c> (20).
    /// </summary>
    public int? ClaimBatch { get; set; }
}
