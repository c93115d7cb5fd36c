using System.Globalization;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace RedshiftDataEmulator.Statements;

/// <summary>Turns a PostgreSQL result into the Data API's ColumnMetadata and Field unions.</summary>
/// <remarks>
/// The result is read in PostgreSQL's text format (<see cref="Prepare"/>): Redshift answers DECIMAL, dates, times and
/// every type without a typed field as their SQL text, and only the text format exists for every PostgreSQL type (a
/// binary read fails the whole query for types such as <c>aclitem</c>, and a <c>void</c> column has no value to read
/// at all). Numbers, booleans and bytes are then parsed from their text into typed fields.
/// </remarks>
internal static class ResultReader
{
    private static readonly HashSet<string> s_integers = ["int2", "int4", "int8"];
    private static readonly HashSet<string> s_floats = ["float4", "float8"];
    private static readonly HashSet<string> s_signed = ["int2", "int4", "int8", "float4", "float8", "numeric", "money"];
    private static readonly HashSet<string> s_caseSensitive = ["text", "varchar", "bpchar", "char", "name", "json", "jsonb", "xml"];

    /// <summary>Asks for every column as text, before the command is executed.</summary>
    public static void Prepare(NpgsqlCommand command) => command.AllResultTypesAreUnknown = true;

    public static async Task<StatementResult> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var typeNames = Enumerable.Range(0, reader.FieldCount).Select(i => TypeNameOf(reader, i)).ToArray();
        var columns = WriteJson(writer =>
        {
            writer.WriteStartArray();
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var typeName = typeNames[i];
                writer.WriteStartObject();
                writer.WriteBoolean("isCaseSensitive", s_caseSensitive.Contains(typeName));
                writer.WriteBoolean("isCurrency", typeName == "money");
                writer.WriteBoolean("isSigned", s_signed.Contains(typeName));
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

        var records = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var texts = new string?[reader.FieldCount];
            for (var i = 0; i < texts.Length; i++)
            {
                texts[i] = await reader.IsDBNullAsync(i, cancellationToken) ? null : reader.GetFieldValue<string>(i);
            }

            records.Add(WriteJson(writer =>
            {
                writer.WriteStartArray();
                for (var i = 0; i < texts.Length; i++)
                {
                    writer.WriteStartObject();
                    WriteField(writer, texts[i], typeNames[i]);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }));
        }

        return new StatementResult(columns, records);
    }

    // PostgreSQL's own name (int4, varchar, void). A type Npgsql has not loaded (say one created after the emulator
    // connected) has no name here: it is named by its OID rather than failing the statement.
    private static string TypeNameOf(NpgsqlDataReader reader, int ordinal)
    {
        var name = reader.GetPostgresType(ordinal).InternalName;
        return name is "" or "-" ? $"oid:{reader.GetDataTypeOID(ordinal).ToString(CultureInfo.InvariantCulture)}" : name;
    }

    private static void WriteField(Utf8JsonWriter writer, string? text, string typeName)
    {
        if (text is null || typeName == "void")
        {
            // A void (e.g. SELECT pg_sleep(1)) has no value; its text form is empty. The nearest field is isNull.
            writer.WriteBoolean("isNull", true);
        }
        else if (typeName == "bool" && text is "t" or "f")
        {
            writer.WriteBoolean("booleanValue", text == "t");
        }
        else if (s_integers.Contains(typeName) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            writer.WriteNumber("longValue", integer);
        }
        else if (s_floats.Contains(typeName) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            && double.IsFinite(number))
        {
            writer.WriteNumber("doubleValue", number);
        }
        else if (typeName == "bytea" && TryParseHexBytes(text) is { } bytes)
        {
            writer.WriteBase64String("blobValue", bytes);
        }
        else
        {
            // DECIMAL, dates, times and anything else: the SQL text, as Redshift answers them.
            writer.WriteString("stringValue", text);
        }
    }

    // bytea's hex output format: \x followed by two hex digits per byte (the session sets bytea_output = hex).
    private static byte[]? TryParseHexBytes(string text)
    {
        if (!text.StartsWith("\\x", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(text.AsSpan(2));
        }
        catch (FormatException)
        {
            return null;
        }
    }

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
