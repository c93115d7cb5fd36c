namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>The operations the emulator serves, by name.</summary>
internal sealed class DataApiOperations(IEnumerable<IDataApiOperation> operations)
{
    /// <summary>The names of the operations served (what <c>Emulator:Quotas:&lt;Operation&gt;</c> may name).</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "BatchExecuteStatement", "CancelStatement", "DescribeStatement", "ExecuteStatement", "GetStatementResult",
        "GetStatementResultV2", "ListStatements",
    ];

    private readonly Dictionary<string, IDataApiOperation> _byName = operations.ToDictionary(o => o.Name, StringComparer.Ordinal);

    public IDataApiOperation Get(string name) => _byName.TryGetValue(name, out var operation)
        ? operation
        : throw new ApiException(400, "UnknownOperationException", $"Operation '{name}' is not supported by the Redshift Data API emulator.");
}
