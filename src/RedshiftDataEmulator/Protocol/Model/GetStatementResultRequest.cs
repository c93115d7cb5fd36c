namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>GetStatementResult's and GetStatementResultV2's input.</summary>
internal sealed class GetStatementResultRequest
{
    public string? Id { get; set; }

    public string? NextToken { get; set; }

    public int? WaitTimeSeconds { get; set; }
}
