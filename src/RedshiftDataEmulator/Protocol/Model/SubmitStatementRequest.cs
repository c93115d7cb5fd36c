namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>The members ExecuteStatement and BatchExecuteStatement share.</summary>
internal abstract class SubmitStatementRequest
{
    public string? ClusterIdentifier { get; set; }

    public string? WorkgroupName { get; set; }

    public string? Database { get; set; }

    public string? DbUser { get; set; }

    public string? SecretArn { get; set; }

    public string? ClientToken { get; set; }

    public string? StatementName { get; set; }

    public string? ResultFormat { get; set; }

    public List<SqlParameter>? Parameters { get; set; }

    public int? WaitTimeSeconds { get; set; }

    public bool? WithEvent { get; set; }

    /// <summary>Sessions are not emulated; a request naming one is refused.</summary>
    public string? SessionId { get; set; }

    /// <summary>Sessions are not emulated; a request asking for one is refused.</summary>
    public int? SessionKeepAliveSeconds { get; set; }
}
