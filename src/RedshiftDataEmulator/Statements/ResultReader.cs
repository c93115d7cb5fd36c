using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace RedshiftDataEmulator.Statements;

/// <summary>Turns a PostgreSQL result into the Data API's ColumnMetadata and Field unions.</summary>
internal static class ResultReader
{
    public static async Task<StatementResult> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var columns = WriteJson(writer =>
        {
            writer.WriteStartArray();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var typeName = reader.GetPostgresType(i).InternalName;
                var type = reader.GetFieldType(i);
                writer.WriteStartObject();
                writer.WriteBoolean("isCaseSensitive", type == typeof(string));
                writer.WriteBoolean("isCurrency", typeName == "money");
                writer.WriteBoolean("isSigned", IsNumeric(type));
                writer.WriteString("label", reader.GetName(i));
                writer.WriteString("name", reader.GetName(i));
                writer.WriteNumber("nullable", 1);
                writer.WriteNumber("precision", 0);
                writer.WriteNumber("scale", 0);
                writer.WriteString("schemaName", "");
                writer.WriteString("tableName", "");
                writer.WriteString("typeName", typeName);
                writer.WriteNumber("length", 0);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        });

        var typeNames = Enumerable.Range(0, reader.FieldCount).Select(i => reader.GetPostgresType(i).InternalName).ToArray();
        var records = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            records.Add(WriteJson(writer =>
            {
                writer.WriteStartArray();
                for (var i = 0; i < values.Length; i++)
                {
                    writer.WriteStartObject();
                    WriteField(writer, values[i], typeNames[i]);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }));
        }

        return new StatementResult(columns, records);
    }

    private static bool IsNumeric(Type type) =>
        type == typeof(short) || type == typeof(int) || type == typeof(long) || type == typeof(decimal)
        || type == typeof(float) || type == typeof(double);

    private static void WriteField(Utf8JsonWriter writer, object value, string typeName)
    {
        switch (value)
        {
            case DBNull:
                writer.WriteBoolean("isNull", true);
                break;
            case bool b:
                writer.WriteBoolean("booleanValue", b);
                break;
            case short s:
                writer.WriteNumber("longValue", s);
                break;
            case int n:
                writer.WriteNumber("longValue", n);
                break;
            case long l:
                writer.WriteNumber("longValue", l);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumber("doubleValue", f);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumber("doubleValue", d);
                break;
            case byte[] bytes:
                writer.WriteBase64String("blobValue", bytes);
                break;
            default:
                writer.WriteString("stringValue", FormatText(value, typeName));
                break;
        }
    }

    // Redshift returns DECIMAL, dates and times as strings in their SQL text form.
    private static string FormatText(object value, string typeName) => value switch
    {
        DateTime dt when typeName == "date" => dt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime dt => dt.ToString(dt.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture)
            + (dt.Kind == DateTimeKind.Utc ? "+00" : ""),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
        TimeSpan ts => ts.ToString("c", CultureInfo.InvariantCulture),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string WriteJson(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
