using System.Text.Json.Serialization;

namespace Scheduler.Redshift.Model;

/// <summary>A result column; members are camelCase on the wire.</summary>
internal sealed class ColumnMetadata
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("label")]
    public string? Label { get; set; }

    [JsonPropertyName("typeName")]
    public string? TypeName { get; set; }

    [JsonPropertyName("nullable")]
    public int? Nullable { get; set; }

    [JsonPropertyName("precision")]
    public int? Precision { get; set; }

    [JsonPropertyName("scale")]
    public int? Scale { get; set; }

    [JsonPropertyName("length")]
    public int? Length { get; set; }

    [JsonPropertyName("isSigned")]
    public bool? IsSigned { get; set; }

    [JsonPropertyName("isCaseSensitive")]
    public bool? IsCaseSensitive { get; set; }

    [JsonPropertyName("isCurrency")]
    public bool? IsCurrency { get; set; }

    [JsonPropertyName("schemaName")]
    public string? SchemaName { get; set; }

    [JsonPropertyName("tableName")]
    public string? TableName { get; set; }

    [JsonPropertyName("columnDefault")]
    public string? ColumnDefault { get; set; }
}
