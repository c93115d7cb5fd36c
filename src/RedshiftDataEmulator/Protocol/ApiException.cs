namespace RedshiftDataEmulator.Protocol;

/// <summary>An error answered the way the Data API answers it: HTTP status, <c>__type</c> and <c>message</c>.</summary>
public sealed class ApiException : Exception
{
    public ApiException()
        : this(500, "InternalServerException", "Internal server error")
    {
    }

    public ApiException(string message)
        : this(400, "ValidationException", message)
    {
    }

    public ApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        StatusCode = 500;
        ErrorType = "InternalServerException";
    }

    public ApiException(int statusCode, string errorType, string message, string? resourceId = null)
        : base(message)
    {
        StatusCode = statusCode;
        ErrorType = errorType;
        ResourceId = resourceId;
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>The error shape name written as <c>__type</c>.</summary>
    public string ErrorType { get; }

    /// <summary>Written as <c>ResourceId</c> for ResourceNotFoundException.</summary>
    public string? ResourceId { get; }

    internal static ApiException Validation(string message) => new(400, "ValidationException", message);

    internal static ApiException Missing(string member) =>
        Validation($"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");

    internal static ApiException Serialization(string message) => new(400, "SerializationException", message);

    internal static ApiException NotFound(string id) =>
        new(404, "ResourceNotFoundException", "Query does not exist.", id);
}
