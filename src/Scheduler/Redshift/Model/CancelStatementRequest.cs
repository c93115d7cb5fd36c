namespace Scheduler.Redshift.Model;

/// <summary>Cancels a running statement.</summary>
internal sealed class CancelStatementRequest
{
    public string Id { get; set; } = "";
}
