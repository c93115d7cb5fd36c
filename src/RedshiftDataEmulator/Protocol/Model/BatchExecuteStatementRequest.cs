namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>BatchExecuteStatement's input: 1–40 SQL statements run in order.</summary>
internal sealed class BatchExecuteStatementRequest : SubmitStatementRequest
{
    public List<string>? Sqls { get; set; }

    /// <summary><c>TRANSACTION</c> (default) or <c>AUTO_COMMIT</c>.</summary>
    public string? ExecutionMode { get; set; }
}
