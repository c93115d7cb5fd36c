using System.Text;
using System.Text.Json;

namespace RedshiftDataEmulator.Protocol;

/// <summary>Renders stored Field records as the CSV text of GetStatementResultV2 (header line on the first page).</summary>
internal static class CsvFormatter
{
    public static string Format(string columnsJson, string recordsJson, bool header)
    {
        var builder = new StringBuilder();
        if (header)
        {
            using var columns = JsonDocument.Parse(columnsJson);
            builder.AppendJoin(',', columns.RootElement.EnumerateArray().Select(c => Quote(c.GetProperty("name").GetString() ?? ""))).Append('\n');
        }

        using var records = JsonDocument.Parse(recordsJson);
        foreach (var row in records.RootElement.EnumerateArray())
        {
            builder.AppendJoin(',', row.EnumerateArray().Select(FieldText)).Append('\n');
        }

        return builder.ToString();
    }

    private static string FieldText(JsonElement field)
    {
        var property = field.EnumerateObject().First();
        return property.Name switch
        {
            "isNull" => "",
            "stringValue" => Quote(property.Value.GetString() ?? ""),
            "booleanValue" => property.Value.GetBoolean() ? "true" : "false",
            "blobValue" => property.Value.GetString() ?? "",
            _ => property.Value.GetRawText(),
        };
    }

    private static string Quote(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
