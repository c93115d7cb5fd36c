namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>ListStatements' output.</summary>
internal sealed class ListStatementsResponse
{
    public required List<StatementData> Statements { get; init; }

    public string? NextToken { get; init; }
}
