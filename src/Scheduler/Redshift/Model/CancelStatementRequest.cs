namespace Scheduler.Redshift.Model;

/// <summary>Cancels a running statement.</summary>
public sealed class CancelStatementRequest
{
    public string Id { get; set; } = "";
}
