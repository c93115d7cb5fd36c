using Scheduler.Redshift;
using Scheduler.Sql;

namespace Scheduler.Runs.Steps;

/// <summary>Sorts failures of Data API calls into "try again later" and "the answer is no".</summary>
internal static class RunErrors
{
    /// <summary>
    /// Throttling, 5xx and network failures that survived the client's own retries, and HTTP timeouts: they delay a
    /// run, never fail it. Our own cancellation (shutdown) is not transient: it must end the job so Hangfire requeues it.
    /// </summary>
    public static bool IsTransient(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RedshiftDataException redshift => redshift.IsTransient,
        HttpRequestException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// Whether a failed DescribeStatement of our own checkpointed <paramref name="statementId"/> means the service no
    /// longer knows it. Besides ResourceNotFoundException, the service has been seen to answer ValidationException for an
    /// expired id. The id came from the service and was checkpointed as it was, so a validation error about it cannot be
    /// our input's fault; one about another member (WaitTimeSeconds) is not about the id and is not taken as an outcome.
    /// </summary>
    public static bool IsUnknownStatement(Exception exception, string statementId) => exception switch
    {
        RedshiftDataException { ErrorCode: "ResourceNotFoundException" } => true,
        RedshiftDataException { ErrorCode: "ValidationException" } validation => IsAboutTheId(validation.ServiceMessage ?? validation.Message, statementId),
        _ => false,
    };

    private static bool IsAboutTheId(string message, string statementId) =>
        message.Contains(statementId, StringComparison.OrdinalIgnoreCase)
        || message.Contains("'id'", StringComparison.OrdinalIgnoreCase)
        || message.Contains("not found", StringComparison.OrdinalIgnoreCase)
        || message.Contains("expired", StringComparison.OrdinalIgnoreCase)
        || message.Contains("does not exist", StringComparison.OrdinalIgnoreCase)
        || message.Contains("doesn't exist", StringComparison.OrdinalIgnoreCase);

    public static string Describe(Exception exception) => Sql.SecretRedactor.Redact(exception switch
    {
        RedshiftDataException redshift => redshift.Message,
        _ => $"{exception.GetType().Name}: {exception.Message}",
    });
}
