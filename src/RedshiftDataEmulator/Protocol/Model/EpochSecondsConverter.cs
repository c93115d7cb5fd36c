using System.Text.Json;
using System.Text.Json.Serialization;

namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>AWS JSON 1.1 timestamps: a JSON number of epoch seconds, with milliseconds as the fraction.</summary>
internal sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)(reader.GetDecimal() * 1000m));

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value.ToUnixTimeMilliseconds() / 1000m);
}
