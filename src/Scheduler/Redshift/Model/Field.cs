using System.Text.Json.Serialization;

namespace Scheduler.Redshift.Model;

/// <summary>A union: exactly one member is set. DECIMAL, dates and timestamps arrive as <see cref="StringValue"/>.</summary>
internal sealed class Field
{
    [JsonPropertyName("isNull")]
    public bool? IsNull { get; set; }

    [JsonPropertyName("booleanValue")]
    public bool? BooleanValue { get; set; }

    [JsonPropertyName("longValue")]
    public long? LongValue { get; set; }

    [JsonPropertyName("doubleValue")]
    public double? DoubleValue { get; set; }

    [JsonPropertyName("stringValue")]
    public string? StringValue { get; set; }

    [JsonPropertyName("blobValue")]
#pragma warning disable CA1819 // mirrors the official model's byte[] member
    public byte[]? BlobValue { get; set; }
#pragma warning restore CA1819
}
