using Scheduler.Redshift;

namespace Scheduler.Runs;

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

    public static bool IsNotFound(Exception exception) =>
        exception is RedshiftDataException { ErrorCode: "ResourceNotFoundException" };

    public static string Describe(Exception exception) => exception switch
    {
        RedshiftDataException redshift => redshift.Message,
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };
}
