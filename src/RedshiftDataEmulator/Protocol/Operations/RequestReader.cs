using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace RedshiftDataEmulator.Protocol.Operations;

/// <summary>Reads an AWS JSON 1.1 request body into its typed model; malformed JSON or a wrong JSON type answers SerializationException, as AWS does.</summary>
internal static class RequestReader
{
    public static T Read<T>(byte[] body, JsonTypeInfo<T> type)
        where T : class, new()
    {
        if (body.Length == 0)
        {
            // "No input" is sent as an empty body by some clients, as {} by others.
            return new T();
        }

        // Syntax first (cheap, no allocation), so that its errors are told apart from a member of the wrong type.
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw ApiException.Serialization("Start of structure or map found where not expected: the request body must be a JSON object.");
            }

            reader.Skip();
            if (reader.Read())
            {
                throw ApiException.Serialization("The request body must be one JSON object; more follows it.");
            }
        }
        catch (JsonException ex)
        {
            throw ApiException.Serialization($"The request body is not valid JSON: {ex.Message}");
        }

        try
        {
            return JsonSerializer.Deserialize(body, type) ?? new T();
        }
        catch (JsonException ex)
        {
            var member = ex.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : ex.Path ?? "?";
            throw ApiException.Serialization($"Member '{member}' has the wrong JSON type for the Data API's model: {ex.Message}");
        }
    }
}
