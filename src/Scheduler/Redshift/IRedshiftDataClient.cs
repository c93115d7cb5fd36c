using Scheduler.Redshift.Model;

namespace Scheduler.Redshift;

/// <summary>
/// The Amazon Redshift Data API operations the scheduler uses. Operation and member names mirror the official
/// <c>AWSSDK.RedshiftDataAPIService</c> package so it could sit behind this interface unchanged.
/// </summary>
/// <remarks>
/// Failures surface as <see cref="RedshiftDataException"/> (modelled service errors, after the standard-mode retries
/// for throttling and 5xx are exhausted) or <see cref="HttpRequestException"/> (the endpoint could not be reached).
/// </remarks>
internal interface IRedshiftDataClient
{
    Task<BatchExecuteStatementResponse> BatchExecuteStatementAsync(BatchExecuteStatementRequest request, CancellationToken cancellationToken = default);

    Task<ExecuteStatementResponse> ExecuteStatementAsync(ExecuteStatementRequest request, CancellationToken cancellationToken = default);

    Task<DescribeStatementResponse> DescribeStatementAsync(DescribeStatementRequest request, CancellationToken cancellationToken = default);

    Task<CancelStatementResponse> CancelStatementAsync(CancelStatementRequest request, CancellationToken cancellationToken = default);

    Task<ListStatementsResponse> ListStatementsAsync(ListStatementsRequest request, CancellationToken cancellationToken = default);

    Task<GetStatementResultResponse> GetStatementResultAsync(GetStatementResultRequest request, CancellationToken cancellationToken = default);
}
