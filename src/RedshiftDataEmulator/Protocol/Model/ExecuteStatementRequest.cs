namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>ExecuteStatement's input: one SQL statement.</summary>
internal sealed class ExecuteStatementRequest : SubmitStatementRequest
{
    public string? Sql { get; set; }
}
