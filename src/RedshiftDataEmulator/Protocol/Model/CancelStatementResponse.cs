namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>CancelStatement's output: true when the statement was cancelled.</summary>
internal sealed class CancelStatementResponse
{
    public bool Status { get; init; }
}
