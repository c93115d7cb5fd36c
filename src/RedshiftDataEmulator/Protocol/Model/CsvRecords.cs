namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>One element of GetStatementResultV2's Records (the union's CSVRecords member).</summary>
internal sealed class CsvRecords
{
    public required string CSVRecords { get; init; }
}
