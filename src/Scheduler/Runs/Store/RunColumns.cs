using Npgsql;

namespace Scheduler.Runs.Store;

/// <summary>Reads a ledger row by column name (ordinals looked up once per result), so a query's column order is free.</summary>
internal sealed class RunColumns(NpgsqlDataReader reader)
{
    private readonly Dictionary<string, int> _ordinals = Enumerable.Range(0, reader.FieldCount)
        .ToDictionary(reader.GetName, i => i, StringComparer.Ordinal);

    public Guid Guid(string name) => reader.GetGuid(_ordinals[name]);

    public Guid? NullableGuid(string name) => IsNull(name) ? null : reader.GetGuid(_ordinals[name]);

    public string String(string name) => reader.GetString(_ordinals[name]);

    public string? NullableString(string name) => IsNull(name) ? null : reader.GetString(_ordinals[name]);

    public int Int(string name) => reader.GetInt32(_ordinals[name]);

    public int? NullableInt(string name) => IsNull(name) ? null : reader.GetInt32(_ordinals[name]);

    public double? NullableDouble(string name) => IsNull(name) ? null : reader.GetDouble(_ordinals[name]);

    public DateTimeOffset Time(string name) => new(reader.GetFieldValue<DateTime>(_ordinals[name]), TimeSpan.Zero);

    public DateTimeOffset? NullableTime(string name) => IsNull(name) ? null : Time(name);

    public bool Bool(string name) => reader.GetBoolean(_ordinals[name]);

    public Guid[] GuidArray(string name) => IsNull(name) ? [] : reader.GetFieldValue<Guid[]>(_ordinals[name]);

    public string[]? NullableTextArray(string name) => IsNull(name) ? null : reader.GetFieldValue<string[]>(_ordinals[name]);

    private bool IsNull(string name) => reader.IsDBNull(_ordinals[name]);
}
