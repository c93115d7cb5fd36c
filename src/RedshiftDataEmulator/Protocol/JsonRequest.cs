using System.Text.Json;

namespace RedshiftDataEmulator.Protocol;

/// <summary>Typed reads of an AWS JSON 1.1 request body; wrong JSON types answer SerializationException as AWS does.</summary>
internal sealed class JsonRequest(JsonElement root)
{
    public static JsonRequest Parse(byte[] body)
    {
        if (body.Length == 0)
        {
            return new JsonRequest(JsonDocument.Parse("{}").RootElement.Clone());
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Serialization("Start of structure or map found where not expected: the request body must be a JSON object.");
            }

            return new JsonRequest(document.RootElement.Clone());
        }
        catch (JsonException ex)
        {
            throw Serialization($"The request body is not valid JSON: {ex.Message}");
        }
    }

    public bool Has(string name) => root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    public string? String(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw Serialization($"Member '{name}' must be a string, got {value.ValueKind}.");
    }

    public int? Int(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n)
            ? n
            : throw Serialization($"Member '{name}' must be an integer, got {value.ValueKind}.");
    }

    public bool? Bool(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw Serialization($"Member '{name}' must be a boolean, got {value.ValueKind}.");
    }

    public IReadOnlyList<string>? StringList(string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Serialization($"Member '{name}' must be a list of strings, got {value.ValueKind}.");
        }

        return value.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String
            ? e.GetString()!
            : throw Serialization($"Member '{name}[{i}]' must be a string, got {e.ValueKind}.")).ToList();
    }

    /// <summary>The Parameters list as (name, value) pairs, validated as the service does.</summary>
    public IReadOnlyList<(string Name, string Value)>? Parameters()
    {
        if (!root.TryGetProperty("Parameters", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Serialization("Member 'Parameters' must be a list of SqlParameter.");
        }

        var list = new List<(string, string)>();
        foreach (var p in value.EnumerateArray())
        {
            if (p.ValueKind != JsonValueKind.Object
                || !p.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String
                || !p.TryGetProperty("value", out var v) || v.ValueKind != JsonValueKind.String)
            {
                throw ApiException.Validation("1 validation error detected: each SqlParameter needs string members 'name' and 'value'.");
            }

            list.Add((n.GetString()!, v.GetString()!));
        }

        return list;
    }

    private static ApiException Serialization(string message) => new(400, "SerializationException", message);
}
