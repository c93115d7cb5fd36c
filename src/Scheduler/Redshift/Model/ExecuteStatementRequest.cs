namespace Scheduler.Redshift.Model;

/// <summary>Runs one SQL statement.</summary>
internal sealed class ExecuteStatementRequest : TargetMembers
{
    public string Sql { get; set; } = "";

    public string? ClientToken { get; set; }

    public string? StatementName { get; set; }

    public bool? WithEvent { get; set; }

    public string? ResultFormat { get; set; }

    public List<SqlParameter>? Parameters { get; set; }

    public int? WaitTimeSeconds { get; set; }
}
