using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scheduler.Redshift;

/// <summary>
/// AWS JSON 1.1 as the Data API speaks it: members exactly as modelled, unset members omitted, timestamps as
/// (fractional) epoch seconds, durations in nanoseconds, and -1 for "unknown" counters.
/// </summary>
internal static class RedshiftJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            // Unknown members (new service fields) must not break parsing.
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        };
        options.Converters.Add(new EpochSecondsConverter());
        options.Converters.Add(new NanosecondsConverter());
        options.Converters.Add(new UnknownAsNullInt64Converter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Epoch seconds, possibly fractional; an ISO 8601 string is accepted too (defensive).</summary>
    internal sealed class EpochSecondsConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                return DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            }

            // Decimal, not double, so milliseconds survive exactly.
            var seconds = reader.GetDecimal();
            var ticks = (long)decimal.Round(seconds * TimeSpan.TicksPerSecond);
            return DateTimeOffset.UnixEpoch.AddTicks(ticks);
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteNumberValue((decimal)(value - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerSecond);
    }

    /// <summary>A <c>long</c> of nanoseconds; -1 (unknown) reads as null.</summary>
    internal sealed class NanosecondsConverter : JsonConverter<TimeSpan?>
    {
        public override bool HandleNull => true;

        public override TimeSpan? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            var nanoseconds = reader.GetInt64();
            return nanoseconds < 0 ? null : TimeSpan.FromTicks(nanoseconds / 100);
        }

        public override void Write(Utf8JsonWriter writer, TimeSpan? value, JsonSerializerOptions options)
        {
            if (value is { } duration)
            {
                writer.WriteNumberValue(duration.Ticks * 100);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    /// <summary>The service reports -1 for unknown ResultRows/ResultSize (also seen on other counters): read as null.</summary>
    internal sealed class UnknownAsNullInt64Converter : JsonConverter<long?>
    {
        public override bool HandleNull => true;

        public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return null;
            }

            var value = reader.GetInt64();
            return value == -1 ? null : value;
        }

        public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options)
        {
            if (value is { } number)
            {
                writer.WriteNumberValue(number);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
