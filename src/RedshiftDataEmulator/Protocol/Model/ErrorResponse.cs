using System.Text.Json.Serialization;

namespace RedshiftDataEmulator.Protocol.Model;

/// <summary>An error body as AWS JSON 1.1 writes it: the shape name in <c>__type</c>, the text in <c>message</c>.</summary>
internal sealed class ErrorResponse
{
    [JsonPropertyName("__type")]
    public required string Type { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }

    /// <summary>ResourceNotFoundException's extra member.</summary>
    public string? ResourceId { get; init; }
}
