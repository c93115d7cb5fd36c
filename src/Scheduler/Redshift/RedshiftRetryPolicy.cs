using System.Net;
using Scheduler.Background;

namespace Scheduler.Redshift;

/// <summary>
/// The AWS SDKs' standard retry mode (2026 rules): throttling backs off from 1 s, other transient failures from 50 ms,
/// full jitter, 20 s cap.
/// </summary>
internal static class RedshiftRetryPolicy
{
    public static readonly TimeSpan ThrottlingBase = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan TransientBase = TimeSpan.FromMilliseconds(50);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(20);

    // botocore retries/standard.py and aws-sdk-net RetryPolicy.ThrottlingErrorCodes.
    private static readonly HashSet<string> ThrottlingCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal)
    {
        "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
    };

    public static bool IsThrottling(HttpStatusCode status, string errorCode) =>
        status == HttpStatusCode.TooManyRequests || ThrottlingCodes.Contains(errorCode);

    public static bool IsTransient(HttpStatusCode status, string errorCode) =>
        status is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable
            or HttpStatusCode.GatewayTimeout || TransientCodes.Contains(errorCode);

    /// <summary>The delay before retry number <paramref name="retry"/> (1 = the first retry).</summary>
    /// <param name="retry">1 for the wait after the first failed attempt.</param>
    /// <param name="throttled">Whether the failure was throttling (1 s base) or another transient error (50 ms base).</param>
    /// <param name="random">A value in [0, 1).</param>
    public static TimeSpan Backoff(int retry, bool throttled, double random) =>
        new Background.Backoff(throttled ? ThrottlingBase : TransientBase, 2, MaxBackoff).Delay(retry - 1, random);
}
