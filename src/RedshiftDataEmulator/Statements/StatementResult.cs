namespace RedshiftDataEmulator.Statements;

/// <summary>A sub-statement's result set: column metadata and records, each as ready-made JSON text.</summary>
internal sealed record StatementResult(string ColumnsJson, IReadOnlyList<string> RecordsJson);
