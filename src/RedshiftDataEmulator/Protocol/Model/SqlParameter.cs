using System.Text.Json.Serialization;

namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>A named parameter (<c>:name</c> in the SQL); its members are camelCase on the wire, as the service models them.</summary>
internal sealed class SqlParameter
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("value")]
    public string? Value { get; set; }
}
