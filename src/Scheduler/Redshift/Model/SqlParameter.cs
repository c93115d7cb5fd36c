using System.Text.Json.Serialization;

namespace Scheduler.Redshift.Model;

/// <summary>A named parameter (<c>:name</c> in the SQL); its members are camelCase on the wire.</summary>
internal sealed class SqlParameter
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = "";

    [JsonPropertyName("value")]
    public string Value { get; set; } = "";
}
