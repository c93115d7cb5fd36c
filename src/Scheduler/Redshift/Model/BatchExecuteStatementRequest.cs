namespace Scheduler.Redshift.Model;

/// <summary>Runs 1–40 SQL statements in order, by default in one transaction.</summary>
internal sealed class BatchExecuteStatementRequest : TargetMembers
{
    public List<string> Sqls { get; set; } = [];

    /// <summary>Idempotency token (1–64 chars); the same token never starts a second execution within 8 h.</summary>
    public string? ClientToken { get; set; }

    public string? StatementName { get; set; }

    /// <summary><c>TRANSACTION</c> (default) or <c>AUTO_COMMIT</c>.</summary>
    public string? ExecutionMode { get; set; }

    public bool? WithEvent { get; set; }

    public string? ResultFormat { get; set; }

    public List<SqlParameter>? Parameters { get; set; }

    /// <summary>Long polling, 1–30 s.</summary>
    public int? WaitTimeSeconds { get; set; }
}
