namespace Scheduler.Redshift;

/// <summary>
/// The budget stage of the Data API client's HTTP pipeline: every HTTP attempt (the client re-sends for its retries)
/// waits for a token of <see cref="IRedshiftCallBudget"/> for its operation, named by the <c>X-Amz-Target</c> header.
/// </summary>
internal sealed class RedshiftCallBudgetHandler(IRedshiftCallBudget budget) : DelegatingHandler
{
    private const string TargetPrefix = "RedshiftData.";

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!RedshiftCallBudgetScope.TryConsumePrepaid())
        {
            await budget.AcquireAsync(OperationOf(request), cancellationToken).ConfigureAwait(false);
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static string OperationOf(HttpRequestMessage request) =>
        request.Headers.TryGetValues("X-Amz-Target", out var values) && values.FirstOrDefault() is { } target
            && target.StartsWith(TargetPrefix, StringComparison.Ordinal)
            ? target[TargetPrefix.Length..]
            : "Unknown";
}
