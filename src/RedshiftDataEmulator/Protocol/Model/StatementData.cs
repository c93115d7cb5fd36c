namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>One statement in ListStatements' output (QueryStrings for a batch, QueryString otherwise).</summary>
internal sealed class StatementData
{
    public required string Id { get; init; }

    public required string Status { get; init; }

    public string? StatementName { get; init; }

    public string? SecretArn { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public bool IsBatchStatement { get; init; }

    public required string ResultFormat { get; init; }

    public List<string>? QueryStrings { get; init; }

    public string? QueryString { get; init; }

    public List<SqlParameter>? QueryParameters { get; init; }
}
