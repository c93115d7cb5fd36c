namespace Scheduler.Redshift.Model;

/// <summary>True when the cancel was accepted; confirm with DescribeStatement.</summary>
internal sealed class CancelStatementResponse
{
    public bool Status { get; set; }
}
