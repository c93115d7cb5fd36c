namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>ExecuteStatement's and BatchExecuteStatement's output; Status, RedshiftPid and HasResultSet only when long polling.</summary>
internal sealed class SubmitStatementResponse
{
    public required string Id { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string? ClusterIdentifier { get; init; }

    public string? WorkgroupName { get; init; }

    public string? Database { get; init; }

    public string? DbUser { get; init; }

    public string? SecretArn { get; init; }

    public string? Status { get; init; }

    public long? RedshiftPid { get; init; }

    public bool? HasResultSet { get; init; }
}
