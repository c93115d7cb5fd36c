using System.Text.Json.Serialization;

namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>
/// JSON text written as it is: result records and column metadata are rendered once, when the statement runs, and
/// stored in that form, so a page is sent without parsing it again.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
internal readonly record struct RawJson(string Json)
{
    public static RawJson EmptyArray { get; } = new("[]");
}
