using System.Net;

namespace Scheduler.Redshift;

/// <summary>
/// An error answered by the Data API (after the client's own retries), e.g. <c>ValidationException</c>,
/// <c>ResourceNotFoundException</c>, <c>ThrottlingException</c>. <see cref="ErrorCode"/> is the bare shape name.
/// </summary>
internal sealed class RedshiftDataException : Exception
{
    public RedshiftDataException()
    {
        ErrorCode = "Unknown";
    }

    public RedshiftDataException(string message)
        : base(message)
    {
        ErrorCode = "Unknown";
    }

    public RedshiftDataException(string message, Exception innerException)
        : base(message, innerException)
    {
        ErrorCode = "Unknown";
    }

    public RedshiftDataException(string errorCode, string message, HttpStatusCode statusCode, string? requestId, string operation, Exception? innerException = null)
        : base($"{operation}: {errorCode} (HTTP {(int)statusCode}): {message}", innerException)
    {
        ErrorCode = errorCode;
        ServiceMessage = message;
        StatusCode = statusCode;
        RequestId = requestId;
        Operation = operation;
    }

    /// <summary>
    /// Which HTTP attempt of the call got this answer (1 = the first; 0 when not made by the client). After a failed first
    /// attempt (a timeout) the request may have reached AWS even though this answer is a refusal.
    /// </summary>
    public int Attempt { get; init; }

    /// <summary>The error's shape name without namespace, e.g. <c>ValidationException</c>.</summary>
    public string ErrorCode { get; }

    /// <summary>The service's own message.</summary>
    public string? ServiceMessage { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The <c>x-amzn-RequestId</c> header, for AWS support.</summary>
    public string? RequestId { get; }

    /// <summary>The Data API operation that failed, e.g. <c>DescribeStatement</c>.</summary>
    public string? Operation { get; }

    /// <summary>Throttling, or a 5xx that survived the client's retries: worth trying again later.</summary>
    public bool IsTransient =>
        (int)StatusCode >= 500 || StatusCode == HttpStatusCode.TooManyRequests ||
        ErrorCode is "ThrottlingException" or "Throttling" or "TooManyRequestsException" or "RequestLimitExceeded"
            or "LimitExceededException" or "SlowDown" or "ActiveStatementsExceededException" or "ActiveSessionsExceededException"
            or "ActiveWaitingRequestsExceededException" or "QueryTimeoutException" or "DatabaseConnectionException";
}
