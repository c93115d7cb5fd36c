namespace Scheduler.Redshift.Model;

/// <summary>True when the cancel was accepted; confirm with DescribeStatement.</summary>
public sealed class CancelStatementResponse
{
    public bool Status { get; set; }
}
