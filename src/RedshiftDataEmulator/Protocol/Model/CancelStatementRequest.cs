namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>CancelStatement's input.</summary>
internal sealed class CancelStatementRequest
{
    public string? Id { get; set; }
}
