namespace RedshiftDataEmulator.Statements;

/// <summary>One accepted Execute/BatchExecute call, as stored.</summary>
internal sealed record StatementRecord
{
    public required Guid Id { get; init; }
    public string? ClientToken { get; init; }
    public string? StatementName { get; init; }
    public required bool IsBatch { get; init; }
    public required string ExecutionMode { get; init; }
    public string? Database { get; init; }
    public string? ClusterIdentifier { get; init; }
    public string? WorkgroupName { get; init; }
    public string? DbUser { get; init; }
    public string? SecretArn { get; init; }
    public required string ResultFormat { get; init; }
    /// <summary>The Parameters member as JSON text, or null.</summary>
    public string? ParametersJson { get; init; }
    public required string Status { get; init; }
    public string? Error { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public int Executions { get; init; }
    public long RedshiftPid { get; init; }
    public required IReadOnlyList<SubStatementRecord> SubStatements { get; init; }

    public IReadOnlyList<string> Sqls => SubStatements.Select(s => s.QueryString).ToList();
}
