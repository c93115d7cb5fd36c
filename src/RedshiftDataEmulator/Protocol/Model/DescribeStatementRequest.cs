namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>DescribeStatement's input: a statement id, or <c>id:N</c> for a batch's N-th statement.</summary>
internal sealed class DescribeStatementRequest
{
    public string? Id { get; set; }

    public int? WaitTimeSeconds { get; set; }
}
